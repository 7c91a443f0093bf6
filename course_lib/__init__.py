"""Companion package of the course "Neural networks and deep learning".

``import course_lib`` is light: it never imports TensorFlow. The Keras side lives in
:mod:`course_lib.keras_models` and is imported only when asked for.
"""

from course_lib.seeding import get_rng, set_seed

__all__ = ["set_seed", "get_rng", "__version__"]
__version__ = "0.1.0"
