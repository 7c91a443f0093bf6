"""The papermill runner, in-place regeneration, and the state of the stored chapter notebooks."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

from course_lib.notebooks import (
    NotebookRunError,
    chapter_notebooks,
    find_notebooks_dir,
    parse_parameter_value,
    regenerate_outputs,
    resolve_chapters,
    run_notebooks,
    source_hash,
    stored_source_hash,
)

REPO = Path(__file__).resolve().parents[1]
CHAPTERS = chapter_notebooks(REPO / "notebooks") if (REPO / "notebooks").is_dir() else []


def _tiny_notebook(folder: Path, name: str = "01_tiny.ipynb") -> Path:
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell("seed: int = 0  # random seed\nepochs: int = 3\nsmoke: bool = False")
    params.metadata["tags"] = ["parameters"]
    nb.cells = [
        nbformat.v4.new_markdown_cell("# A tiny chapter"),
        params,
        nbformat.v4.new_code_cell("import os\nfor i in range(2):\n    print('epoch', i, epochs)\n"
                                  "print(os.path.basename(os.getcwd()))"),
        nbformat.v4.new_code_cell("if epochs == 99:\n    raise ValueError('too many epochs')\nepochs * 2"),
    ]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    nbformat.write(nb, path)
    return path


@pytest.mark.parametrize(
    ("text", "expected"),
    [("3", 3), ("0.5", 0.5), ("true", True), ("False", False), ("None", None),
     ("[1, 2]", [1, 2]), ("relu", "relu"), ("'adam'", "adam")],
)
def test_parse_parameter_value(text, expected):
    assert parse_parameter_value(text) == expected


def test_resolve_chapters_by_number_name_and_path(tmp_path):
    folder = tmp_path / "notebooks"
    first = _tiny_notebook(folder, "01_intro.ipynb")
    second = _tiny_notebook(folder, "02_training.ipynb")
    assert resolve_chapters([], folder) == [first, second]
    assert resolve_chapters(["2"], folder) == [second]
    assert resolve_chapters(["01"], folder) == [first]
    assert resolve_chapters(["training", "01_intro"], folder) == [second, first]
    assert resolve_chapters([str(first)], folder) == [first]


def test_resolve_chapters_unknown_name_lists_the_chapters(tmp_path):
    folder = tmp_path / "notebooks"
    _tiny_notebook(folder, "01_intro.ipynb")
    with pytest.raises(ValueError, match=r"expected one of the chapters \(01_intro\).*chapter='7'"):
        resolve_chapters(["7"], folder)
    with pytest.raises(FileNotFoundError, match="Notebook not found"):
        resolve_chapters([str(folder / "missing.ipynb")], folder)


def test_find_notebooks_dir_from_a_subfolder(tmp_path):
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "a" / "b").mkdir(parents=True)
    assert find_notebooks_dir(tmp_path / "a" / "b") == tmp_path / "notebooks"


def test_run_with_parameters_writes_only_to_the_output_folder(tmp_path):
    notebook = _tiny_notebook(tmp_path / "notebooks")
    before = notebook.read_bytes()
    (result,) = run_notebooks([notebook], output_dir=tmp_path / "build",
                              parameters={"epochs": 5}, smoke=True, progress=False)
    assert result.ok and result.output == tmp_path / "build" / notebook.name
    assert notebook.read_bytes() == before
    executed = nbformat.read(result.output, as_version=4)
    text = "".join(o.get("text", "") for c in executed.cells if c.cell_type == "code"
                   for o in c.outputs)
    assert "epoch 1 5" in text
    assert "notebooks" in text  # ran in the notebook's own folder
    assert executed.cells[-1].outputs[-1]["data"]["text/plain"] == "10"


def test_failing_notebook_names_cell_and_exception_and_keeps_output(tmp_path):
    notebook = _tiny_notebook(tmp_path / "notebooks")
    (result,) = run_notebooks([notebook], output_dir=tmp_path / "build",
                              parameters={"epochs": 99}, progress=False)
    assert not result.ok
    assert isinstance(result.error, NotebookRunError)
    message = str(result.error)
    assert "01_tiny.ipynb failed in cell" in message
    assert "ValueError: too many epochs" in message
    assert "if epochs == 99:" in message
    assert result.output.exists()


def test_unknown_parameter_is_refused_with_the_valid_ones(tmp_path):
    notebook = _tiny_notebook(tmp_path / "notebooks")
    with pytest.raises(ValueError, match=r"invalid parameter for 01_tiny.ipynb: lr\. "
                                         r"Expected one of its parameters: epochs, seed, smoke"):
        run_notebooks([notebook], output_dir=tmp_path / "build", parameters={"lr": 1},
                      progress=False)


def test_output_dir_may_not_be_the_notebooks_folder(tmp_path):
    notebook = _tiny_notebook(tmp_path / "notebooks")
    with pytest.raises(ValueError, match="`output_dir`, expected a folder other than"):
        run_notebooks([notebook], output_dir=tmp_path / "notebooks", progress=False)


def test_regenerate_stores_clean_outputs_and_is_repeatable(tmp_path):
    notebook = _tiny_notebook(tmp_path / "notebooks")
    (result,) = regenerate_outputs([notebook], progress=False)
    assert result.ok
    first = notebook.read_bytes()
    nb = json.loads(first)
    assert "papermill" not in nb["metadata"]
    assert all("papermill" not in c["metadata"] and "execution" not in c["metadata"]
               for c in nb["cells"])
    streams = [o for o in nb["cells"][2]["outputs"] if o["output_type"] == "stream"]
    assert len(streams) == 1  # consecutive prints merged into one output
    stored = nbformat.read(notebook, as_version=4)
    assert stored_source_hash(stored) == source_hash(stored)
    regenerate_outputs([notebook], progress=False)
    assert notebook.read_bytes() == first


def test_regenerate_leaves_a_failing_notebook_untouched(tmp_path):
    notebook = _tiny_notebook(tmp_path / "notebooks")
    nb = nbformat.read(notebook, as_version=4)
    nb.cells[1].source = nb.cells[1].source.replace("epochs: int = 3", "epochs: int = 99")
    nbformat.write(nb, notebook)
    before = notebook.read_bytes()
    (result,) = regenerate_outputs([notebook], progress=False)
    assert not result.ok and "too many epochs" in str(result.error)
    assert notebook.read_bytes() == before


def test_source_hash_changes_with_code_not_with_markdown_or_outputs(tmp_path):
    nb = nbformat.read(_tiny_notebook(tmp_path), as_version=4)
    original = source_hash(nb)
    nb.cells[0].source = "# Another title"
    nb.cells[2].outputs = [nbformat.v4.new_output("stream", name="stdout", text="x")]
    assert source_hash(nb) == original
    nb.cells[2].source += "\nprint('more')"
    assert source_hash(nb) != original


# --- the committed chapters ---------------------------------------------------------------


@pytest.mark.parametrize("notebook", CHAPTERS, ids=[p.stem for p in CHAPTERS])
def test_stored_outputs_are_up_to_date(notebook):
    nb = nbformat.read(notebook, as_version=4)
    assert stored_source_hash(nb) == source_hash(nb), (
        f"{notebook.name}: its code changed since its outputs were stored. "
        f"Regenerate them with `course outputs {notebook.stem}` (or `make outputs`)."
    )
    unexecuted = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"
                  and c.source.strip() and c.execution_count is None]
    assert not unexecuted, f"{notebook.name}: cells {unexecuted} have no stored execution"


@pytest.mark.parametrize("notebook", CHAPTERS, ids=[p.stem for p in CHAPTERS])
def test_chapter_declares_the_course_parameters(notebook):
    nb = nbformat.read(notebook, as_version=4)
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1, f"{notebook.name}: expected one cell tagged `parameters`"
    for name in ("seed", "epochs", "smoke"):
        assert f"{name}:" in tagged[0].source or f"{name} =" in tagged[0].source, (
            f"{notebook.name}: the parameters cell should declare `{name}`"
        )


@pytest.mark.parametrize("notebook", CHAPTERS, ids=[p.stem for p in CHAPTERS])
def test_ignored_outputs_say_why(notebook):
    nb = nbformat.read(notebook, as_version=4)
    for index, cell in enumerate(nb.cells):
        tags = cell.metadata.get("tags", [])
        if cell.cell_type == "code" and ({"nbval-ignore-output", "nbval-skip"} & set(tags)):
            assert "#" in cell.source, (
                f"{notebook.name} cell {index}: its output is not checked by nbval, "
                "so it must carry a comment saying why"
            )
            assert "nbval-skip" not in tags, f"{notebook.name} cell {index}: do not skip cells"
