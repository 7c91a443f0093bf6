"""Training throughput: the NumPy engine (course_lib.nn) against Keras 3, same models, same data.

Trains the seed document's two networks (32-16-1 and the deep 128-64-32-16-1, relu + sigmoid,
adam / binary_crossentropy) with both engines at batch sizes 32 and 1024, and a small convnet on
the 8x8 digits (Conv2D(8, 3, "same", relu) - MaxPooling2D - Flatten - Dense(10, softmax), adam /
sparse_categorical_crossentropy) at batch 32, from the same initial weights, and prints samples
per second, the NumPy/Keras ratio and each one's validation accuracy.

    .venv/bin/python benchmarks/bench_engine.py            # about 1-2 minutes on 2 cores
    .venv/bin/python benchmarks/bench_engine.py --quick    # a smoke run

Keras runs as the course runs it (``setup_keras``: one intra-op and one inter-op thread); NumPy
uses its BLAS as installed (``--blas-threads`` to limit it). Throughput is measured after one
warm-up epoch (which includes Keras's graph tracing); each engine is timed ``--repeats`` times,
taking turns with the other, and its best run is reported (other processes on a shared machine
slow down single runs). The validation accuracies come from a separate, untimed run: both
engines train ``--accuracy-epochs`` epochs from the same initial weights on the same batches.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

import course_lib  # noqa: E402
from course_lib import nn  # noqa: E402

MODELS = {"seed 32-16-1": (32, 16), "deep 128-64-32-16-1": (128, 64, 32, 16)}


def make_data(n_train: int, n_val: int, n_features: int, seed: int):
    """A non-linear binary task with some label noise (float32)."""
    rng = np.random.default_rng(seed)
    n = n_train + n_val
    x = rng.normal(size=(n, n_features)).astype(np.float32)
    score = x[:, 0] * x[:, 1] + np.sin(2 * x[:, 2]) + 0.5 * x[:, 3] - 0.3 * x[:, 4] ** 2
    score += 0.3 * rng.normal(size=n)
    y = (score > np.median(score)).astype(np.float32)
    return x[:n_train], y[:n_train], x[n_train:], y[n_train:]


def numpy_model(n_features: int, units: tuple[int, ...]) -> nn.Sequential:
    model = nn.Sequential(
        [nn.Input(shape=(n_features,))]
        + [nn.Dense(u, activation="relu") for u in units]
        + [nn.Dense(1, activation="sigmoid")]
    )
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    return model


#: The clock: wall time by default; ``--cpu-time`` uses this process's CPU time (all threads),
#: which other jobs on a busy machine disturb far less.
CLOCK = time.perf_counter


def timed_fit(model, x, y, batch_size: int, epochs: int) -> float:
    """Samples per second of one ``fit`` call over ``epochs`` epochs."""
    start = CLOCK()
    model.fit(x, y, batch_size=batch_size, epochs=epochs, verbose=0)
    return len(x) * epochs / (CLOCK() - start)


def best_speeds(models, x, y, batch_size: int, epochs: int, repeats: int) -> list[float]:
    """Best throughput of each model over ``repeats`` timed runs, the engines taking turns
    (so that load from other processes hits both alike), after one warm-up epoch each."""
    for model in models:
        model.fit(x, y, batch_size=batch_size, epochs=1, verbose=0)
    best = [0.0] * len(models)
    for _ in range(repeats):
        for i, model in enumerate(models):
            best[i] = max(best[i], timed_fit(model, x, y, batch_size, epochs))
    return best


def accuracies(builder, units, x, y, x_val, y_val, batch_size: int, epochs: int, seed: int):
    """Validation accuracy of each engine after ``epochs`` epochs from the same initial weights
    on the same batches (shuffle=False on i.i.d. data): like against like."""
    import keras

    keras.utils.set_random_seed(seed)
    keras_model = builder(x.shape[1])
    model = numpy_model(x.shape[1], units)
    model.set_weights(keras_model.get_weights())
    result = []
    for m in (keras_model, model):
        m.fit(x, y, batch_size=batch_size, epochs=epochs, shuffle=False, verbose=0)
        result.append(m.evaluate(x_val, y_val, batch_size=1024, verbose=0)[1])
    return result


def digits_convnets(keras, seed: int):
    """The digits convnet in both engines, the NumPy one holding the Keras one's weights."""

    def layers(lib):
        return [
            lib.Conv2D(8, 3, padding="same", activation="relu"),
            lib.MaxPooling2D(),
            lib.Flatten(),
            lib.Dense(10, activation="softmax"),
        ]

    keras.utils.set_random_seed(seed)
    keras_model = keras.Sequential([keras.Input(shape=(8, 8, 1)), *layers(keras.layers)])
    model = nn.Sequential([nn.Input(shape=(8, 8, 1)), *layers(nn)])
    model.set_weights(keras_model.get_weights())
    for m in (keras_model, model):
        m.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return keras_model, model


def digits_row(keras, args) -> tuple:
    """(Keras samples/s, NumPy samples/s, Keras val acc, NumPy val acc) for the convnet."""
    from course_lib.datasets import load_digits

    digits = load_digits(seed=args.seed)
    x = digits.X_train.reshape(-1, 8, 8, 1).astype(np.float32) / 16
    x_val = digits.X_val.reshape(-1, 8, 8, 1).astype(np.float32) / 16
    y, y_val = digits.y_train, digits.y_val
    course_lib.set_seed(args.seed)
    speeds = best_speeds(
        list(digits_convnets(keras, args.seed)), x, y, 32, args.conv_epochs, args.repeats
    )
    accs = []
    for m in digits_convnets(keras, args.seed):
        m.fit(x, y, batch_size=32, epochs=args.accuracy_epochs, shuffle=False, verbose=0)
        accs.append(m.evaluate(x_val, y_val, batch_size=1024, verbose=0)[1])
    return (*speeds, *accs), len(x)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=8000, help="training samples")
    parser.add_argument("--epochs", type=int, default=3, help="timed epochs at batch 32")
    parser.add_argument("--large-epochs", type=int, default=15, help="timed epochs at batch 1024")
    parser.add_argument(
        "--blas-threads",
        type=int,
        default=None,
        help="limit NumPy's BLAS threads (default: as installed)",
    )
    parser.add_argument(
        "--repeats",
        type=int,
        default=3,
        help="timed runs per engine and setting; the best is reported",
    )
    parser.add_argument(
        "--accuracy-epochs",
        type=int,
        default=10,
        help="epochs of the (untimed) accuracy comparison",
    )
    parser.add_argument(
        "--conv-epochs", type=int, default=5, help="timed epochs of the digits convnet"
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--quick", action="store_true", help="tiny run to check the script")
    parser.add_argument(
        "--cpu-time",
        action="store_true",
        help="time with the process's CPU time instead of the wall clock (for a busy machine)",
    )
    args = parser.parse_args(argv)
    global CLOCK
    CLOCK = time.process_time if args.cpu_time else time.perf_counter
    if args.quick:
        args.samples, args.epochs, args.large_epochs, args.repeats = 2048, 1, 2, 1
        args.accuracy_epochs, args.conv_epochs = 2, 1

    from course_lib.keras_models import build_deep_model, build_seed_model, setup_keras

    keras = setup_keras(args.seed)
    builders = {"seed 32-16-1": build_seed_model, "deep 128-64-32-16-1": build_deep_model}
    if args.blas_threads:
        from threadpoolctl import threadpool_limits

        threadpool_limits(args.blas_threads)
    try:
        from threadpoolctl import threadpool_info

        blas = ", ".join(
            f"{i['internal_api']} {i.get('architecture', '?')} {i['num_threads']} threads"
            for i in threadpool_info()
        )
    except ImportError:
        blas = "unknown"

    n_features = 20
    x, y, x_val, y_val = make_data(args.samples, args.samples // 4, n_features, args.seed)
    print(
        f"Python {platform.python_version()}, numpy {np.__version__}, Keras {keras.__version__}"
        f", {os.cpu_count()} CPUs, OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', '-')}"
    )
    print(
        f"threads: TensorFlow 1 intra-op / 1 inter-op (setup_keras); NumPy engine "
        f"{nn._fast.BLAS_THREADS} BLAS thread(s) inside fit; BLAS libraries loaded: {blas}"
    )
    print(f"data: {len(x)} training / {len(x_val)} validation samples, {n_features} features\n")
    header = (
        f"{'model':<22}{'batch':>6}{'Keras samples/s':>17}{'NumPy samples/s':>17}"
        f"{'ratio':>8}{'Keras val acc':>15}{'NumPy val acc':>15}"
    )
    print(header)
    print("-" * len(header))
    rows = []
    for name, units in MODELS.items():
        for batch_size in (32, 1024):
            epochs = args.epochs if batch_size == 32 else args.large_epochs
            keras.utils.set_random_seed(args.seed)
            course_lib.set_seed(args.seed)
            keras_model = builders[name](n_features)
            model = numpy_model(n_features, units)
            model.set_weights(keras_model.get_weights())
            keras_speed, numpy_speed = best_speeds(
                [keras_model, model], x, y, batch_size, epochs, args.repeats
            )
            keras_acc, numpy_acc = accuracies(
                builders[name],
                units,
                x,
                y,
                x_val,
                y_val,
                batch_size,
                args.accuracy_epochs,
                args.seed,
            )
            ratio = numpy_speed / keras_speed
            rows.append((name, batch_size, keras_speed, numpy_speed, ratio, keras_acc, numpy_acc))
            print(
                f"{name:<22}{batch_size:>6}{keras_speed:>17,.0f}{numpy_speed:>17,.0f}"
                f"{ratio:>7.1f}x{keras_acc:>15.4f}{numpy_acc:>15.4f}",
                flush=True,
            )
    (keras_speed, numpy_speed, keras_acc, numpy_acc), n_digits = digits_row(keras, args)
    name = "digits convnet"
    print(
        f"{name:<22}{32:>6}{keras_speed:>17,.0f}{numpy_speed:>17,.0f}"
        f"{numpy_speed / keras_speed:>7.1f}x{keras_acc:>15.4f}{numpy_acc:>15.4f}",
        flush=True,
    )
    print(
        f"\ndigits convnet: Conv2D(8, 3, same, relu) - MaxPooling2D - Flatten - Dense(10, softmax) "
        f"on {n_digits} 8x8 training images, {args.conv_epochs} timed epochs."
    )
    print(
        f"Throughput: best of {args.repeats} runs of {args.epochs} epochs (batch 32) or "
        f"{args.large_epochs} epochs (batch 1024), after a warm-up epoch; clock: "
        f"{'process CPU time' if args.cpu_time else 'wall time'}."
    )
    print(
        f"Validation accuracy: after {args.accuracy_epochs} epochs from the same initial "
        "weights on the same batches (shuffle=False)."
    )
    print(
        "Targets: ratio >= 10x at batch 32, >= 1x at batch 1024; validation accuracy within "
        "0.01 of Keras's."
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
