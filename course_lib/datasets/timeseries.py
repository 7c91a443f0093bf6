"""Real time series shipped inside statsmodels (no download), split in time order."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from course_lib.datasets._common import _check_fraction, import_optional

__all__ = ["TimeSeries", "load_co2", "load_sunspots"]

CO2_SOURCE = (
    "Atmospheric CO2 at Mauna Loa, Hawaii, weekly flask samples 1958-2001 (Keeling & Whorf, "
    "SIO/CDIAC), shipped with statsmodels: statsmodels.datasets.co2"
)
SUNSPOTS_SOURCE = (
    "Yearly sunspot numbers 1700-2008 (SIDC, Royal Observatory of Belgium), shipped with "
    "statsmodels: statsmodels.datasets.sunspots"
)


@dataclass(frozen=True, repr=False)
class TimeSeries:
    """One series with a chronological train / validation / test split.

    Attributes:
        dates: shape (n,), ``numpy.datetime64`` (month or year resolution).
        values: shape (n,), float64.
        train_end, val_end: ``values[:train_end]`` is the training part,
            ``values[train_end:val_end]`` validation, ``values[val_end:]`` test. The future is
            never used to fit anything about the past: no shuffling across time.
        period: length of the seasonal cycle in steps (12 months; 11 years for sunspots).
        name, units, source: what it is, in which unit, and where it comes from.
    """

    dates: np.ndarray
    values: np.ndarray
    train_end: int
    val_end: int
    period: int
    name: str
    units: str
    source: str

    def parts(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(train, val, test)`` values, in time order."""
        v = self.values
        return v[: self.train_end], v[self.train_end : self.val_end], v[self.val_end :]

    def summary(self) -> str:
        """Length, date range and the three parts, one line each."""
        lines = [self.source, f"{self.name} [{self.units}], {len(self.values)} steps"]
        bounds = (0, self.train_end, self.val_end, len(self.values))
        for part, start, stop in zip(
            ("train", "val", "test"), bounds[:-1], bounds[1:], strict=True
        ):
            lines.append(
                f"{part:>5}: {stop - start} steps, {self.dates[start]} .. {self.dates[stop - 1]}"
            )
        return "\n".join(lines)

    def __repr__(self) -> str:
        return (
            f"TimeSeries({self.name}: {len(self.values)} steps, train {self.train_end}, "
            f"val {self.val_end - self.train_end}, test {len(self.values) - self.val_end})"
        )


def _chronological_split(n: int, val_fraction: float, test_fraction: float) -> tuple[int, int]:
    val_fraction = _check_fraction("val_fraction", val_fraction)
    test_fraction = _check_fraction("test_fraction", test_fraction)
    if val_fraction + test_fraction >= 1:
        raise ValueError(
            "Received invalid values for `val_fraction` and `test_fraction`, expected their sum "
            f"to be below 1. Received: val_fraction={val_fraction}, test_fraction={test_fraction}"
        )
    n_test = int(round(test_fraction * n))
    n_val = int(round(val_fraction * n))
    return n - n_val - n_test, n - n_test


def load_co2(val_fraction: float = 0.15, test_fraction: float = 0.15) -> TimeSeries:
    """Monthly mean CO2 concentration at Mauna Loa, March 1958 to December 2001.

    The weekly samples are averaged per calendar month; the 5 months without any sample are
    filled by linear interpolation between their neighbours. A rising trend plus a yearly cycle
    (plants take CO2 up in the northern summer), so ``period = 12``.

    Returns:
        a :class:`TimeSeries` of 526 months in ppm; default split 368 / 79 / 79 months.
    """
    co2 = import_optional("statsmodels.datasets.co2", "statsmodels", "load_co2()")
    weekly = co2.load_pandas().data["co2"]  # 2,284 weeks, 59 missing
    monthly = weekly.resample("MS").mean().interpolate(method="linear")
    values = monthly.to_numpy(dtype=np.float64)  # (526,)
    dates = monthly.index.to_numpy().astype("datetime64[M]")
    train_end, val_end = _chronological_split(len(values), val_fraction, test_fraction)
    return TimeSeries(
        dates=dates,
        values=values,
        train_end=train_end,
        val_end=val_end,
        period=12,
        name="CO2 concentration, monthly mean",
        units="ppm",
        source=CO2_SOURCE,
    )


def load_sunspots(val_fraction: float = 0.15, test_fraction: float = 0.15) -> TimeSeries:
    """Yearly mean sunspot number, 1700 to 2008 (an irregular cycle of about 11 years).

    Returns:
        a :class:`TimeSeries` of 309 years; default split 217 / 46 / 46 years.
    """
    sunspots = import_optional("statsmodels.datasets.sunspots", "statsmodels", "load_sunspots()")
    data = sunspots.load_pandas().data
    years = data["YEAR"].to_numpy().astype(np.int64)
    values = data["SUNACTIVITY"].to_numpy(dtype=np.float64)  # (309,)
    dates = (years - 1970).astype("datetime64[Y]")
    train_end, val_end = _chronological_split(len(values), val_fraction, test_fraction)
    return TimeSeries(
        dates=dates,
        values=values,
        train_end=train_end,
        val_end=val_end,
        period=11,
        name="sunspot number, yearly mean",
        units="count",
        source=SUNSPOTS_SOURCE,
    )
