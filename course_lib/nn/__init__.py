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
