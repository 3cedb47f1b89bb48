"""kerasfix: lint and migrate legacy Keras code. Importing this package has no side effects."""

__version__ = "0.1.0"
