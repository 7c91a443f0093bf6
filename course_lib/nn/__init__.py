"""A from-scratch NumPy neural-network engine with the Keras 3 API.

Every forward and backward step is plain NumPy you can read; the public surface has Keras's
names and semantics, so that code moves between the two unchanged::

    import course_lib
    from course_lib.nn import Sequential, Dense, Input

    course_lib.set_seed(42)
    model = Sequential([Input(shape=(20,)), Dense(32, activation="relu"),
                        Dense(16, activation="relu"), Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    history = model.fit(X_train, y_train, epochs=10, batch_size=32, validation_split=0.2)

To see a network learn, read these four definitions, in this order (about a screen each):

1. ``layers.Dense`` -- ``forward`` computes activation(x @ kernel + bias) and keeps what
   ``backward`` needs; ``backward`` turns dL/d(output) into the kernel's and bias's gradients
   and dL/d(input).
2. ``models.Sequential.train_step`` -- one step on a batch: forward through the layers, the
   loss and its gradient (``_loss_and_output_gradient``, where the one shortcut, the fused
   sigmoid/softmax + crossentropy gradient P - y, is explained), backward through the layers
   in reverse, one optimizer update.
3. ``optimizers.SGD`` (w -= learning_rate * g), then ``optimizers.Adam``.
4. ``models.Sequential.fit`` -- epochs of shuffled batches, each a ``train_step``; the epoch's
   mean loss and metrics, validation, the callbacks and the ``History``.

Layers: ``Dense``, ``Activation``, ``Dropout``, ``Flatten``, ``Conv2D``, ``MaxPooling2D``,
``BatchNormalization``, ``Embedding``; weight penalties in ``regularizers``. Your own layer is a
``Layer`` subclass with ``build``, ``forward`` and ``backward`` (see ``course_lib.nn.layers``).
The speed tricks (one flat weight vector, cached constants) live apart, in ``nn/_fast.py``.

This package never imports TensorFlow.
"""

from course_lib.nn import (
    activations,
    callbacks,
    initializers,
    losses,
    metrics,
    optimizers,
    regularizers,
)
from course_lib.nn.gradcheck import (
    GradcheckResult,
    GradientCheckError,
    gradcheck,
    numerical_gradient,
)
from course_lib.nn.layers import (
    Activation,
    BatchNormalization,
    Conv2D,
    Dense,
    Dropout,
    Embedding,
    Flatten,
    Input,
    InputLayer,
    Layer,
    MaxPooling2D,
    clear_session,
)
from course_lib.nn.models import Sequential

__all__ = [
    "Sequential",
    "Layer",
    "Input",
    "InputLayer",
    "Dense",
    "Activation",
    "Dropout",
    "Flatten",
    "Conv2D",
    "MaxPooling2D",
    "BatchNormalization",
    "Embedding",
    "clear_session",
    "gradcheck",
    "numerical_gradient",
    "GradcheckResult",
    "GradientCheckError",
    "activations",
    "callbacks",
    "initializers",
    "losses",
    "metrics",
    "optimizers",
    "regularizers",
]
