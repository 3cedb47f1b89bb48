"""Hand-written Keras 1 -> Keras 3 pairs: the oracle for whole rewrites (Keras 2.3's
`interface_test.py` idea, architecture.md §4).

`old` is what Keras 1.2.2 users wrote; `new` is the Keras 3 call written by hand from the Keras 3
API, never produced by kerasfix. tests/test_oracle_pairs.py runs kerasfix on `old`, builds its
output and `new` in Keras 3, and compares the layer configurations.

What "equivalent" means here: the same layer in Keras 3 as the Keras 1 call built in Keras 1
(keras 1.2.2 signatures and defaults; /work/shared/migration-table.md). Where Keras 3 changed a
default that a Keras 1 call left implicit and Keras 3 can state the old value exactly, `new`
states it (GRU `reset_after=False`: the Keras 1 GRU formula; `ReLU(threshold=1.0)`: the Keras 1
`ThresholdedReLU` default theta; AveragePooling's Keras 1 default pool size). The Keras 1
default `inner_activation='hard_sigmoid'` of LSTM/GRU/ConvLSTM2D has no exact Keras 3 spelling
(Keras 3 'hard_sigmoid' is another formula), so the RNN pairs give `inner_activation` explicitly.
Initializer value drifts the table lists as INFO (orthogonal gain 1.1 -> 1.0, truncated he/glorot
normal) are not pairs' business: the initializer names are.

`source = "keras1"` marks calls whose only Keras 1 trait is the positional layout (what
`kerasfix fix --from keras1` is for); `unsafe = True` marks rewrites that need --unsafe-fixes.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Pair:
    family: str
    old: str
    new: str
    source: str = "auto"
    unsafe: bool = False
    note: str = ""


def scale(x, factor=1.0):
    """A named function for the Lambda pairs (a lambda's config holds its bytecode)."""
    return x * factor


K1 = "keras1"

PAIRS = [
    # ---- core: Dense -------------------------------------------------------------------------
    Pair("dense", "Dense(64, init='he_normal', activation='relu')",
         "Dense(64, kernel_initializer='he_normal', activation='relu')"),
    Pair("dense", "Dense(output_dim=16, activation='tanh')",
         "Dense(units=16, activation='tanh')"),
    Pair("dense", "Dense(32, bias=False)", "Dense(32, use_bias=False)"),
    Pair("dense", "Dense(8, W_constraint='maxnorm', b_constraint='nonneg')",
         "Dense(8, kernel_constraint='max_norm', bias_constraint='non_neg')"),
    Pair("dense", "Dense(10, W_regularizer='l2', b_regularizer='l1')",
         "Dense(10, kernel_regularizer='l2', bias_regularizer='l1')"),
    Pair("dense", "Dense(64, input_dim=784, init='uniform')",
         "Dense(64, input_shape=(784,), kernel_initializer='uniform')"),
    Pair("dense", "Dense(10, 'uniform', 'softmax')",
         "Dense(10, kernel_initializer='uniform', activation='softmax')", source=K1),
    Pair("dense", "Dense(1, init='normal', activation='sigmoid', W_regularizer=l2(0.01))",
         "Dense(1, kernel_initializer='normal', activation='sigmoid', "
         "kernel_regularizer=l2(0.01))"),
    Pair("dense", "Dense(5, activation='linear', bias=True, init='zero')",
         "Dense(5, activation='linear', use_bias=True, kernel_initializer='zeros')"),
    # ---- core: Dropout, SpatialDropout --------------------------------------------------------
    Pair("dropout", "Dropout(p=0.5)", "Dropout(rate=0.5)"),
    Pair("dropout", "Dropout(p=0.25, noise_shape=(None, 1, 16), seed=7)",
         "Dropout(rate=0.25, noise_shape=(None, 1, 16), seed=7)"),
    Pair("spatialdropout", "SpatialDropout1D(p=0.2)", "SpatialDropout1D(rate=0.2)"),
    Pair("spatialdropout", "SpatialDropout2D(0.3, dim_ordering='th')",
         "SpatialDropout2D(0.3, data_format='channels_first')"),
    Pair("spatialdropout", "SpatialDropout2D(p=0.1, dim_ordering='tf')",
         "SpatialDropout2D(rate=0.1, data_format='channels_last')"),
    Pair("spatialdropout", "SpatialDropout3D(p=0.4, dim_ordering='th')",
         "SpatialDropout3D(rate=0.4, data_format='channels_first')"),
    # ---- core: Lambda (Keras 1 third positional = arguments; Keras 3 = mask) -------------------
    Pair("lambda", "Lambda(scale, (4,), {'factor': 2.0})",
         "Lambda(scale, (4,), arguments={'factor': 2.0})", source=K1),
    Pair("lambda", "Lambda(scale, None, {'factor': 3.0})",
         "Lambda(scale, None, arguments={'factor': 3.0})", source=K1),
    # ---- core: InputLayer ----------------------------------------------------------------------
    Pair("inputlayer", "InputLayer(input_shape=(32,))", "InputLayer(shape=(32,))"),
    Pair("inputlayer", "InputLayer(batch_input_shape=(None, 32), input_dtype='int32')",
         "InputLayer(batch_shape=(None, 32), dtype='int32')"),
    Pair("inputlayer", "InputLayer(input_shape=(10, 3), input_dtype='float16', name='seq')",
         "InputLayer(shape=(10, 3), dtype='float16', name='seq')"),
    Pair("inputlayer", "InputLayer(None, (16, 8))", "InputLayer(batch_shape=(16, 8))",
         source=K1),
    # ---- conv 1D -------------------------------------------------------------------------------
    Pair("conv1d", "Convolution1D(64, 3, border_mode='same', subsample_length=2)",
         "Conv1D(64, 3, padding='same', strides=2)"),
    Pair("conv1d", "Convolution1D(nb_filter=32, filter_length=5, activation='relu', input_dim=8)",
         "Conv1D(filters=32, kernel_size=5, activation='relu', input_shape=(None, 8))"),
    Pair("conv1d", "Convolution1D(128, 5, init='he_uniform', input_dim=300, input_length=50)",
         "Conv1D(128, 5, kernel_initializer='he_uniform', input_shape=(50, 300))"),
    Pair("conv1d", "Conv1D(32, 3, border_mode='valid', W_regularizer='l2', bias=False)",
         "Conv1D(32, 3, padding='valid', kernel_regularizer='l2', use_bias=False)"),
    Pair("conv1d", "Convolution1D(16, 7, 'he_normal', 'relu')",
         "Conv1D(16, 7, kernel_initializer='he_normal', activation='relu')", source=K1),
    # ---- conv 2D -------------------------------------------------------------------------------
    Pair("conv2d",
         "Convolution2D(64, 3, 3, border_mode='same', subsample=(2, 2), init='he_normal')",
         "Conv2D(64, (3, 3), padding='same', strides=(2, 2), kernel_initializer='he_normal')"),
    Pair("conv2d", "Convolution2D(32, 5, 5, activation='relu', input_shape=(1, 28, 28), "
         "dim_ordering='th')",
         "Conv2D(32, (5, 5), activation='relu', input_shape=(1, 28, 28), "
         "data_format='channels_first')"),
    Pair("conv2d", "Convolution2D(32, 3, 3, W_regularizer='l2', b_regularizer='l1', bias=False)",
         "Conv2D(32, (3, 3), kernel_regularizer='l2', bias_regularizer='l1', use_bias=False)"),
    Pair("conv2d", "Conv2D(16, 5, 5)", "Conv2D(16, (5, 5))", source=K1),
    Pair("conv2d", "Convolution2D(8, 1, 7, border_mode='same')",
         "Conv2D(8, (1, 7), padding='same')"),
    Pair("conv2d", "Convolution2D(64, 3, 3, 'he_normal', 'relu')",
         "Conv2D(64, (3, 3), kernel_initializer='he_normal', activation='relu')", source=K1),
    Pair("conv2d", "Convolution2D(nb_filter=16, nb_row=3, nb_col=3, W_constraint='unitnorm', "
         "dim_ordering='default')",
         "Conv2D(filters=16, kernel_size=(3, 3), kernel_constraint='unit_norm')"),
    Pair("conv2d", "Convolution2D(128, 3, 3, activation='relu', border_mode='valid', "
         "subsample=(1, 1), dim_ordering='tf')",
         "Conv2D(128, (3, 3), activation='relu', padding='valid', strides=(1, 1), "
         "data_format='channels_last')"),
    # ---- conv 3D -------------------------------------------------------------------------------
    Pair("conv3d", "Convolution3D(16, 3, 3, 3, border_mode='same', subsample=(2, 2, 2))",
         "Conv3D(16, (3, 3, 3), padding='same', strides=(2, 2, 2))"),
    Pair("conv3d", "Convolution3D(nb_filter=8, kernel_dim1=2, kernel_dim2=3, kernel_dim3=4, "
         "dim_ordering='th')",
         "Conv3D(filters=8, kernel_size=(2, 3, 4), data_format='channels_first')"),
    Pair("conv3d", "Conv3D(4, 3, 3, 3)", "Conv3D(4, (3, 3, 3))", source=K1),
    Pair("conv3d", "Convolution3D(32, 3, 3, 3, init='he_normal', activation='relu', "
         "W_regularizer='l2')",
         "Conv3D(32, (3, 3, 3), kernel_initializer='he_normal', activation='relu', "
         "kernel_regularizer='l2')"),
    # ---- atrous (dilated) conv -------------------------------------------------------------------
    Pair("atrous", "AtrousConvolution2D(64, 3, 3, atrous_rate=(2, 2), border_mode='same')",
         "Conv2D(64, (3, 3), dilation_rate=(2, 2), padding='same')"),
    Pair("atrous", "AtrousConvolution1D(32, 3, atrous_rate=2, border_mode='same')",
         "Conv1D(32, 3, dilation_rate=2, padding='same')"),
    Pair("atrous", "AtrousConv2D(16, 5, 5, atrous_rate=(4, 4), init='he_normal')",
         "Conv2D(16, (5, 5), dilation_rate=(4, 4), kernel_initializer='he_normal')"),
    Pair("atrous", "AtrousConvolution2D(32, 3, 3)", "Conv2D(32, (3, 3))"),
    Pair("atrous", "AtrousConvolution1D(8, 2, atrous_rate=4, input_dim=1, input_length=100, "
         "border_mode='valid')",
         "Conv1D(8, 2, dilation_rate=4, input_shape=(100, 1), padding='valid')"),
    # ---- deconvolution (output_shape is implied by the other arguments in Keras 3) -------------
    Pair("deconv", "Deconvolution2D(32, 3, 3, output_shape=(None, 14, 14, 32), subsample=(2, 2), "
         "border_mode='same')",
         "Conv2DTranspose(32, (3, 3), strides=(2, 2), padding='same')", unsafe=True),
    Pair("deconv", "Deconvolution2D(3, 5, 5, (None, 32, 32, 3), border_mode='valid')",
         "Conv2DTranspose(3, (5, 5), padding='valid')", unsafe=True),
    Pair("deconv", "Deconv2D(16, 3, 3, output_shape=(None, 16, 16, 16), init='glorot_normal', "
         "dim_ordering='tf')",
         "Conv2DTranspose(16, (3, 3), kernel_initializer='glorot_normal', "
         "data_format='channels_last')", unsafe=True),
    # ---- separable conv --------------------------------------------------------------------------
    Pair("separable", "SeparableConvolution2D(32, 3, 3, init='he_normal', depth_multiplier=2, "
         "border_mode='same')",
         "SeparableConv2D(32, (3, 3), depthwise_initializer='he_normal', "
         "pointwise_initializer='he_normal', depth_multiplier=2, padding='same')"),
    Pair("separable", "SeparableConv2D(64, 3, 3, subsample=(2, 2), depthwise_regularizer='l2', "
         "b_regularizer='l1')",
         "SeparableConv2D(64, (3, 3), strides=(2, 2), depthwise_regularizer='l2', "
         "bias_regularizer='l1')"),
    Pair("separable", "SeparableConvolution2D(16, 5, 5, dim_ordering='th', bias=False, "
         "pointwise_constraint='maxnorm')",
         "SeparableConv2D(16, (5, 5), data_format='channels_first', use_bias=False, "
         "pointwise_constraint='max_norm')",
         note="Keras 1 resolved the constraint string 'maxnorm' for every constraint keyword"),
    # ---- pooling 1D ----------------------------------------------------------------------------
    Pair("pooling1d", "MaxPooling1D(pool_length=4, stride=2)",
         "MaxPooling1D(pool_size=4, strides=2)"),
    Pair("pooling1d", "MaxPooling1D(pool_length=2, border_mode='same')",
         "MaxPooling1D(pool_size=2, padding='same')"),
    Pair("pooling1d", "AveragePooling1D(pool_length=3)", "AveragePooling1D(pool_size=3)"),
    Pair("pooling1d", "AveragePooling1D(stride=1)", "AveragePooling1D(pool_size=2, strides=1)"),
    Pair("pooling1d", "MaxPooling1D(stride=3)", "MaxPooling1D(strides=3)"),
    # ---- pooling 2D ----------------------------------------------------------------------------
    Pair("pooling2d", "MaxPooling2D(pool_size=(2, 2), strides=(2, 2), border_mode='same', "
         "dim_ordering='th')",
         "MaxPooling2D(pool_size=(2, 2), strides=(2, 2), padding='same', "
         "data_format='channels_first')"),
    Pair("pooling2d", "MaxPooling2D((3, 3), (2, 2), 'same', 'tf')",
         "MaxPooling2D((3, 3), (2, 2), 'same', 'channels_last')", source=K1),
    Pair("pooling2d", "AveragePooling2D(border_mode='same')",
         "AveragePooling2D(pool_size=(2, 2), padding='same')"),
    Pair("pooling2d", "AveragePooling2D(pool_size=(3, 3), strides=(1, 1), dim_ordering='default')",
         "AveragePooling2D(pool_size=(3, 3), strides=(1, 1))"),
    Pair("pooling2d", "MaxPooling2D(dim_ordering='th')",
         "MaxPooling2D(data_format='channels_first')"),
    # ---- pooling 3D ----------------------------------------------------------------------------
    Pair("pooling3d", "MaxPooling3D(pool_size=(2, 2, 2), border_mode='valid', dim_ordering='th')",
         "MaxPooling3D(pool_size=(2, 2, 2), padding='valid', data_format='channels_first')"),
    Pair("pooling3d", "AveragePooling3D(dim_ordering='tf')",
         "AveragePooling3D(pool_size=(2, 2, 2), data_format='channels_last')"),
    Pair("pooling3d", "AveragePooling3D((1, 2, 2), border_mode='same')",
         "AveragePooling3D((1, 2, 2), padding='same')"),
    # ---- global pooling ------------------------------------------------------------------------
    Pair("globalpooling", "GlobalMaxPooling2D(dim_ordering='th')",
         "GlobalMaxPooling2D(data_format='channels_first')"),
    Pair("globalpooling", "GlobalAveragePooling2D(dim_ordering='tf')",
         "GlobalAveragePooling2D(data_format='channels_last')"),
    Pair("globalpooling", "GlobalAveragePooling3D(dim_ordering='th')",
         "GlobalAveragePooling3D(data_format='channels_first')"),
    Pair("globalpooling", "GlobalMaxPooling3D(dim_ordering='default')", "GlobalMaxPooling3D()"),
    # ---- zero padding ----------------------------------------------------------------------------
    Pair("zeropadding", "ZeroPadding1D(padding={'left_pad': 1, 'right_pad': 2})",
         "ZeroPadding1D(padding=(1, 2))"),
    Pair("zeropadding", "ZeroPadding1D({'right_pad': 3})", "ZeroPadding1D((0, 3))"),
    Pair("zeropadding", "ZeroPadding2D(padding=(1, 2, 3, 4))",
         "ZeroPadding2D(padding=((1, 2), (3, 4)))"),
    Pair("zeropadding", "ZeroPadding2D((1, 1), dim_ordering='th')",
         "ZeroPadding2D((1, 1), data_format='channels_first')"),
    Pair("zeropadding", "ZeroPadding2D(padding={'top_pad': 1, 'left_pad': 2})",
         "ZeroPadding2D(padding=((1, 0), (2, 0)))"),
    Pair("zeropadding", "ZeroPadding3D(padding=(1, 2, 3), dim_ordering='tf')",
         "ZeroPadding3D(padding=(1, 2, 3), data_format='channels_last')"),
    # ---- cropping --------------------------------------------------------------------------------
    Pair("cropping", "Cropping2D(cropping=((2, 2), (4, 4)), dim_ordering='th')",
         "Cropping2D(cropping=((2, 2), (4, 4)), data_format='channels_first')"),
    Pair("cropping", "Cropping3D(cropping=((1, 1), (2, 2), (3, 3)), dim_ordering='tf')",
         "Cropping3D(cropping=((1, 1), (2, 2), (3, 3)), data_format='channels_last')"),
    Pair("cropping", "Cropping2D(((0, 0), (1, 1)), 'th')",
         "Cropping2D(((0, 0), (1, 1)), 'channels_first')", source=K1),
    # ---- upsampling ------------------------------------------------------------------------------
    Pair("upsampling", "UpSampling1D(length=3)", "UpSampling1D(size=3)"),
    Pair("upsampling", "UpSampling2D(size=(2, 2), dim_ordering='th')",
         "UpSampling2D(size=(2, 2), data_format='channels_first')"),
    Pair("upsampling", "UpSampling3D(size=(2, 2, 2), dim_ordering='tf')",
         "UpSampling3D(size=(2, 2, 2), data_format='channels_last')"),
    Pair("upsampling", "UpSampling2D((3, 3), 'th')",
         "UpSampling2D((3, 3), 'channels_first')", source=K1),
    # ---- recurrent: SimpleRNN ------------------------------------------------------------------
    Pair("simplernn", "SimpleRNN(32, init='he_normal', inner_init='identity', activation='relu', "
         "dropout_W=0.2, dropout_U=0.1, return_sequences=True)",
         "SimpleRNN(32, kernel_initializer='he_normal', recurrent_initializer='identity', "
         "activation='relu', dropout=0.2, recurrent_dropout=0.1, return_sequences=True)"),
    Pair("simplernn", "SimpleRNN(16, input_dim=8, input_length=10)",
         "SimpleRNN(16, input_shape=(10, 8))"),
    Pair("simplernn", "SimpleRNN(output_dim=4, W_regularizer='l2', U_regularizer='l1', "
         "b_regularizer='l2', go_backwards=True)",
         "SimpleRNN(units=4, kernel_regularizer='l2', recurrent_regularizer='l1', "
         "bias_regularizer='l2', go_backwards=True)"),
    Pair("simplernn", "SimpleRNN(16, 'glorot_uniform', 'orthogonal', 'relu')",
         "SimpleRNN(16, kernel_initializer='glorot_uniform', recurrent_initializer='orthogonal', "
         "activation='relu')", source=K1),
    # ---- recurrent: LSTM -------------------------------------------------------------------------
    Pair("lstm", "LSTM(64, dropout_W=0.2, dropout_U=0.2, inner_activation='sigmoid')",
         "LSTM(64, dropout=0.2, recurrent_dropout=0.2, recurrent_activation='sigmoid')"),
    Pair("lstm", "LSTM(32, forget_bias_init='one', inner_activation='sigmoid', "
         "return_sequences=True)",
         "LSTM(32, recurrent_activation='sigmoid', return_sequences=True)"),
    Pair("lstm", "LSTM(32, consume_less='gpu', inner_activation='sigmoid', stateful=False, "
         "unroll=True)",
         "LSTM(32, recurrent_activation='sigmoid', stateful=False, unroll=True)"),
    Pair("lstm", "LSTM(10, input_dim=5, input_length=3, inner_activation='sigmoid')",
         "LSTM(10, input_shape=(3, 5), recurrent_activation='sigmoid')"),
    Pair("lstm", "LSTM(16, forget_bias_init='zero', inner_activation='sigmoid')",
         "LSTM(16, unit_forget_bias=False, recurrent_activation='sigmoid')", unsafe=True,
         note="Keras 1 LSTM biases: forget gate = forget_bias_init, the others zeros; with 'zero' "
              "that is Keras 3 unit_forget_bias=False (bias_initializer='zeros'), exactly"),
    Pair("lstm", "LSTM(output_dim=8, init='he_normal', inner_init='orthogonal', activation='relu', "
         "inner_activation='hard_sigmoid', W_regularizer='l2', U_regularizer='l2', "
         "b_regularizer='l1')",
         "LSTM(units=8, kernel_initializer='he_normal', recurrent_initializer='orthogonal', "
         "activation='relu', recurrent_activation='hard_sigmoid', kernel_regularizer='l2', "
         "recurrent_regularizer='l2', bias_regularizer='l1')"),
    Pair("lstm", "LSTM(24, 'he_normal', inner_activation='sigmoid')",
         "LSTM(24, kernel_initializer='he_normal', recurrent_activation='sigmoid')"),
    # ---- recurrent: GRU (the Keras 1 GRU is Keras 3's reset_after=False formula) -------------
    Pair("gru", "GRU(32, inner_activation='sigmoid', dropout_U=0.3)",
         "GRU(32, recurrent_activation='sigmoid', recurrent_dropout=0.3, reset_after=False)"),
    Pair("gru", "GRU(output_dim=16, init='he_normal', inner_activation='sigmoid', "
         "return_sequences=True, input_dim=4)",
         "GRU(units=16, kernel_initializer='he_normal', recurrent_activation='sigmoid', "
         "return_sequences=True, input_shape=(None, 4), reset_after=False)"),
    Pair("gru", "GRU(8, 'glorot_uniform', 'orthogonal', 'tanh', 'sigmoid')",
         "GRU(8, kernel_initializer='glorot_uniform', recurrent_initializer='orthogonal', "
         "activation='tanh', recurrent_activation='sigmoid', reset_after=False)", source=K1),
    # ---- recurrent: ConvLSTM2D -------------------------------------------------------------------
    Pair("convlstm2d", "ConvLSTM2D(32, 3, 3, border_mode='same', return_sequences=True, "
         "inner_activation='sigmoid')",
         "ConvLSTM2D(32, (3, 3), padding='same', return_sequences=True, "
         "recurrent_activation='sigmoid')"),
    Pair("convlstm2d", "ConvLSTM2D(nb_filter=16, nb_row=5, nb_col=5, dim_ordering='tf', "
         "subsample=(2, 2), inner_activation='sigmoid')",
         "ConvLSTM2D(filters=16, kernel_size=(5, 5), data_format='channels_last', strides=(2, 2), "
         "recurrent_activation='sigmoid')"),
    Pair("convlstm2d", "ConvLSTM2D(16, 3, 3, 'glorot_uniform', 'orthogonal', 'one', 'tanh', "
         "'sigmoid', 'th', 'same')",
         "ConvLSTM2D(16, (3, 3), kernel_initializer='glorot_uniform', "
         "recurrent_initializer='orthogonal', activation='tanh', recurrent_activation='sigmoid', "
         "data_format='channels_first', padding='same')", source=K1),
    # ---- embedding -------------------------------------------------------------------------------
    Pair("embedding", "Embedding(10000, 128, input_length=100)",
         "Embedding(10000, 128, input_shape=(100,))"),
    Pair("embedding", "Embedding(5000, 32, init='normal', W_regularizer='l2', mask_zero=True)",
         "Embedding(5000, 32, embeddings_initializer='normal', embeddings_regularizer='l2', "
         "mask_zero=True)"),
    Pair("embedding", "Embedding(1000, 64, 'uniform', 10)",
         "Embedding(1000, 64, embeddings_initializer='uniform', input_shape=(10,))", source=K1),
    Pair("embedding", "Embedding(input_dim=100, output_dim=8, W_constraint='nonneg', dropout=0.0)",
         "Embedding(input_dim=100, output_dim=8, embeddings_constraint='non_neg')"),
    # ---- batch normalization -------------------------------------------------------------------
    Pair("batchnorm", "BatchNormalization(mode=0, axis=1)", "BatchNormalization(axis=1)"),
    Pair("batchnorm", "BatchNormalization(epsilon=1e-5, momentum=0.9, beta_init='zero', "
         "gamma_init='one')",
         "BatchNormalization(epsilon=1e-5, momentum=0.9, beta_initializer='zeros', "
         "gamma_initializer='ones')"),
    Pair("batchnorm", "BatchNormalization(1e-3, 0, 1)",
         "BatchNormalization(epsilon=1e-3, axis=1)", source=K1),
    Pair("batchnorm", "BatchNormalization(mode=0, gamma_regularizer='l2', beta_regularizer='l1')",
         "BatchNormalization(gamma_regularizer='l2', beta_regularizer='l1')"),
    # ---- noise -----------------------------------------------------------------------------------
    Pair("noise", "GaussianNoise(sigma=0.1)", "GaussianNoise(stddev=0.1)"),
    Pair("noise", "GaussianDropout(p=0.3)", "GaussianDropout(rate=0.3)"),
    Pair("noise", "GaussianNoise(sigma=0.5, input_shape=(10,))",
         "GaussianNoise(stddev=0.5, input_shape=(10,))"),
    # ---- advanced activations --------------------------------------------------------------------
    Pair("activations", "LeakyReLU(alpha=0.1)", "LeakyReLU(negative_slope=0.1)"),
    Pair("activations", "LeakyReLU(alpha=0.3, input_shape=(8,))",
         "LeakyReLU(negative_slope=0.3, input_shape=(8,))"),
    Pair("activations", "PReLU(init='zero', shared_axes=[1, 2])",
         "PReLU(alpha_initializer='zeros', shared_axes=[1, 2])"),
    Pair("activations", "PReLU(init='glorot_uniform')",
         "PReLU(alpha_initializer='glorot_uniform')"),
    Pair("activations", "ThresholdedReLU(theta=0.5)", "ReLU(threshold=0.5)"),
    Pair("activations", "ThresholdedReLU()", "ReLU(threshold=1.0)"),
    Pair("activations", "ThresholdedReLU(2.0)", "ReLU(threshold=2.0)"),
    # ---- wrappers around Keras 1 layers --------------------------------------------------------
    Pair("wrappers", "TimeDistributed(Dense(10, init='he_normal'))",
         "TimeDistributed(Dense(10, kernel_initializer='he_normal'))"),
    Pair("wrappers", "TimeDistributed(Convolution2D(16, 3, 3, border_mode='same'))",
         "TimeDistributed(Conv2D(16, (3, 3), padding='same'))"),
    Pair("wrappers", "TimeDistributed(MaxPooling2D(pool_size=(2, 2), border_mode='same'))",
         "TimeDistributed(MaxPooling2D(pool_size=(2, 2), padding='same'))"),
    Pair("wrappers", "TimeDistributed(Dropout(p=0.3))", "TimeDistributed(Dropout(rate=0.3))"),
    Pair("wrappers", "Bidirectional(LSTM(32, dropout_W=0.2, inner_activation='sigmoid'), "
         "merge_mode='sum')",
         "Bidirectional(LSTM(32, dropout=0.2, recurrent_activation='sigmoid'), merge_mode='sum')"),
    Pair("wrappers", "Bidirectional(GRU(16, return_sequences=True, inner_activation='sigmoid'))",
         "Bidirectional(GRU(16, return_sequences=True, recurrent_activation='sigmoid', "
         "reset_after=False))"),
    Pair("wrappers", "Bidirectional(SimpleRNN(8, init='zero'), merge_mode='ave')",
         "Bidirectional(SimpleRNN(8, kernel_initializer='zeros'), merge_mode='ave')"),
]

# The families the brief asks every layer kind to be covered by; test_oracle_pairs checks it.
FAMILIES = {
    "dense", "dropout", "spatialdropout", "lambda", "inputlayer", "conv1d", "conv2d", "conv3d",
    "atrous", "deconv", "separable", "pooling1d", "pooling2d", "pooling3d", "globalpooling",
    "zeropadding", "cropping", "upsampling", "simplernn", "lstm", "gru", "convlstm2d",
    "embedding", "batchnorm", "noise", "activations", "wrappers",
}
