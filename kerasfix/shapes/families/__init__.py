"""One module per layer family: pure output-shape formulas of Keras 3.

Each family module holds the arithmetic (functions on shape tuples that include the batch dim)
and a TABLE mapping Keras 3 class names to adapters `(layer, inputs, data_format) -> shape`
that read a LayerSpec's kwargs with the Keras 3 defaults. `kerasfix.shapes.layers` joins the
tables. Nothing here imports Keras: the formulas are checked against it in
tests/test_shape_families.py.
"""
