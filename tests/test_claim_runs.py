"""course claims: runs a chapter at the parameter sets its metadata declares, fails on a claim."""

import json

import nbformat
import pytest

from course_lib.claim_runs import claims_runs, run_claims

CLAIMS_CELL = """\
from course_lib.claims import ANY, Claims, at_most
claims = Claims(dict(seed=seed, limit=limit), seed=ANY, limit=at_most(5))
claims.check("the seed stays below the limit", seed < limit, measured={"seed": seed})
"""


def tiny_chapter(folder, runs):
    nb = nbformat.v4.new_notebook()
    parameters = nbformat.v4.new_code_cell("seed = 0\nlimit = 3")
    parameters.metadata["tags"] = ["parameters"]
    nb.cells = [parameters, nbformat.v4.new_code_cell(CLAIMS_CELL)]
    nb.metadata["course"] = {"claims_runs": runs}
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    path = folder / "01_tiny.ipynb"
    nbformat.write(nb, path)
    return path


def test_runs_are_read_from_the_metadata(tmp_path):
    path = tiny_chapter(tmp_path, [{"seed": 1}, {"seed": 2, "limit": 9}])
    assert claims_runs(path) == [{"seed": 1}, {"seed": 2, "limit": 9}]


def test_bad_runs_metadata_is_named(tmp_path):
    path = tiny_chapter(tmp_path, {"seed": 1})
    with pytest.raises(ValueError, match=r"invalid `claims_runs` in 01_tiny.ipynb's metadata"):
        claims_runs(path)
    with pytest.raises(ValueError, match="Received: jobs=0"):
        run_claims([path], output_dir=tmp_path / "out", jobs=0)


def test_a_raised_claim_fails_its_run_and_every_value_is_reported(tmp_path):
    # seed 1 < 3 holds; seed 4 >= 3 inside the range raises; seed 12 >= limit 9 is
    # outside the range (limit <= 5): reported, not raised.
    path = tiny_chapter(tmp_path, [{"seed": 1}, {"seed": 4}, {"seed": 12, "limit": 9}])
    runs = run_claims([path], output_dir=tmp_path / "out", jobs=2, progress=False)
    assert [run.ok for run in runs] == [True, False, True]
    assert "The chapter claims: the seed stays below the limit. It did not hold." in runs[1].message
    assert [r["holds"] for run in runs for r in run.records] == [True, False, False]
    assert runs[2].records[0]["inside"] is False
    report = (tmp_path / "out" / "report.md").read_text()
    assert "| seed-4 | FAILED: " in report
    assert "| the seed stays below the limit | seed-1 | True | seed = 1 |" in report
    saved = json.loads((tmp_path / "out" / "claims.json").read_text())
    assert [run["ok"] for run in saved] == [True, False, True]
    assert (tmp_path / "out" / "01_tiny" / "seed-1" / "01_tiny.ipynb").exists()
