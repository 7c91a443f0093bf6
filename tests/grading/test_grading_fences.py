"""Solution fences -> exercises: placeholders, indentation, errors, idempotence, staleness."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from course_lib.grading.fences import (
    FenceError,
    build_exercises,
    make_exercise,
    stale_exercises,
    strip_fences,
    write_exercises,
)

REPO = Path(__file__).resolve().parents[2]


def test_top_level_fence_becomes_a_placeholder_that_does_not_raise():
    # A top-level raise would stop "Restart and run all" at this cell.
    source = "x = 1\n### BEGIN SOLUTION\ny = x + 1\nz = 2\n### END SOLUTION\nprint(x)"
    assert strip_fences(source) == "x = 1\n# YOUR CODE HERE\nprint(x)"


@pytest.mark.parametrize("indent", ["    ", "        ", "\t"])
def test_placeholder_keeps_the_fence_indentation(indent):
    source = (
        f"def f(x):\n{indent}### BEGIN SOLUTION\n{indent}return x * 2\n{indent}### END SOLUTION"
    )
    assert strip_fences(source) == (
        f"def f(x):\n{indent}# YOUR CODE HERE\n{indent}raise NotImplementedError()"
    )


def test_two_fences_in_one_cell_and_code_between_them_survives():
    source = (
        "def f():\n    ### BEGIN SOLUTION\n    return 1\n    ### END SOLUTION\n\n\n"
        "def g():\n    ### BEGIN SOLUTION\n    return 2\n    ### END SOLUTION"
    )
    out = strip_fences(source)
    assert out.count("raise NotImplementedError()") == 2
    assert "def g():" in out and "return" not in out


def test_markdown_fence_becomes_answer_placeholder():
    source = "Why?\n### BEGIN SOLUTION\nBecause.\n### END SOLUTION"
    assert strip_fences(source, "markdown") == "Why?\nYOUR ANSWER HERE"


@pytest.mark.parametrize(
    "source, words",
    [
        (
            "### BEGIN SOLUTION\na\n### BEGIN SOLUTION\nb\n### END SOLUTION\n### END SOLUTION",
            ["nested", "line 3", "line 1"],
        ),
        ("def f():\n    ### BEGIN SOLUTION\n    return 1", ["line 2", "never closed"]),
        ("x = 1\n### END SOLUTION", ["line 2", "without"]),
    ],
    ids=["nested", "unclosed", "unopened"],
)
def test_bad_fences_name_the_notebook_cell_and_line(source, words):
    nb = new_notebook(cells=[new_markdown_cell("intro"), new_code_cell(source)])
    with pytest.raises(FenceError) as info:
        make_exercise(nb, "solutions/09_bad.ipynb")
    message = str(info.value)
    assert "solutions/09_bad.ipynb, cell 2" in message
    for word in words:
        assert word in message


def test_exercise_clears_outputs_and_counts_and_leaves_the_solution_untouched():
    cell = new_code_cell("### BEGIN SOLUTION\nprint(1)\n### END SOLUTION", execution_count=3)
    cell.outputs = [new_output("stream", name="stdout", text="1\n")]
    nb = new_notebook(cells=[cell])
    exercise = make_exercise(nb)
    assert exercise.cells[0].outputs == [] and exercise.cells[0].execution_count is None
    assert nb.cells[0].outputs and "print(1)" in nb.cells[0].source


def test_stripping_is_idempotent():
    source = "def f():\n    ### BEGIN SOLUTION\n    return 1\n    ### END SOLUTION"
    once = strip_fences(source)
    assert strip_fences(once) == once
    nb = new_notebook(cells=[new_code_cell(source)])
    first = make_exercise(nb)
    assert make_exercise(first) == first


def test_write_exercises_twice_changes_nothing_the_second_time(tmp_path):
    nb = new_notebook(cells=[new_code_cell("### BEGIN SOLUTION\nx = 1\n### END SOLUTION")])
    (tmp_path / "sol").mkdir()
    nbformat.write(nb, tmp_path / "sol" / "01_a.ipynb")
    (tmp_path / "ex").mkdir()
    (tmp_path / "ex" / "99_orphan.ipynb").write_text("{}")
    changed = write_exercises(tmp_path / "sol", tmp_path / "ex")
    assert {p.name for p in changed} == {"01_a.ipynb", "99_orphan.ipynb"}
    assert not (tmp_path / "ex" / "99_orphan.ipynb").exists()
    text = (tmp_path / "ex" / "01_a.ipynb").read_text()
    assert write_exercises(tmp_path / "sol", tmp_path / "ex") == []
    assert (tmp_path / "ex" / "01_a.ipynb").read_text() == text
    assert stale_exercises(tmp_path / "sol", tmp_path / "ex") == []
    (tmp_path / "ex" / "01_a.ipynb").write_text(text.replace("YOUR CODE HERE", "edited"))
    assert stale_exercises(tmp_path / "sol", tmp_path / "ex") == ["01_a.ipynb"]


def test_committed_exercises_are_up_to_date():
    stale = stale_exercises(REPO / "solutions", REPO / "exercises")
    assert stale == [], f"exercises/ is out of date ({stale}): run `course exercises`"


def test_committed_expected_values_are_up_to_date():
    from course_lib.grading.expected import stale_expected

    stale = stale_expected(REPO / "solutions")
    assert stale == [], f"expected.json is out of date for {stale}: run `course exercises`"


def test_solutions_have_fences_metadata_and_check_cells_and_exercises_have_no_answers():
    built = build_exercises(REPO / "solutions")
    assert sorted(built) == [
        "01_introduction.ipynb",
        "02_training.ipynb",
        "03_deep_learning.ipynb",
        "04_applications.ipynb",
    ]
    for number, (name, text) in enumerate(sorted(built.items()), start=1):
        solution = nbformat.read(REPO / "solutions" / name, as_version=4)
        assert solution.metadata["course"]["exercise"] == f"ch{number}"
        checks = [c for c in solution.cells if "check" in c.metadata.get("tags", [])]
        assert len(checks) >= 3
        assert "BEGIN SOLUTION" not in text and "END SOLUTION" not in text
        assert text.count("raise NotImplementedError()") >= 3
