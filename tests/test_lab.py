"""The learner's environment: the work folder, `course lab` / `course reset`, Jupyter's files
inside the venv, the course kernelspec, no TCP warning, the supported Pythons."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import nbformat
import pytest

from course_lib.cli import SUPPORTED_PYTHONS, main
from course_lib.lab import (
    LAB_OVERRIDES,
    ensure_course_kernel,
    jupyter_environment,
    lab_command,
    prepare_work_folder,
    reset_notebook,
    runtime_dir,
    write_lab_settings,
)
from course_lib.notebooks import (
    COURSE_KERNELSPEC,
    clean_executed,
    set_course_kernelspec,
)

ROOT = Path(__file__).resolve().parents[1]


def _course(tmp_path: Path) -> Path:
    """A small course: two chapters linking to their exercises, and the exercises."""
    root = tmp_path / "course"
    for folder in ("notebooks", "exercises"):
        (root / folder).mkdir(parents=True)
        for stem in ("01_introduction", "02_training"):
            nb = nbformat.v4.new_notebook()
            nb.metadata["kernelspec"] = {
                "name": "python3",
                "display_name": "Python 3",
                "language": "python",
            }
            nb.cells = [
                nbformat.v4.new_markdown_cell(
                    f"Practise: [exercises/{stem}.ipynb](../exercises/{stem}.ipynb)"
                ),
                nbformat.v4.new_code_cell(f"print('{folder} {stem}')"),
            ]
            nbformat.write(nb, root / folder / f"{stem}.ipynb")
    (root / "notebooks" / "notes.ipynb").write_text("{}")  # not a chapter: not copied
    return root


def test_work_folder_gets_copies_with_the_course_kernel(tmp_path):
    root = _course(tmp_path)
    copied = prepare_work_folder(root)
    work = root / "work"
    assert sorted(p.relative_to(work).as_posix() for p in copied) == [
        "exercises/01_introduction.ipynb",
        "exercises/02_training.ipynb",
        "notebooks/01_introduction.ipynb",
        "notebooks/02_training.ipynb",
    ]
    for path in copied:
        nb = nbformat.read(path, as_version=4)
        assert nb.metadata["kernelspec"] == COURSE_KERNELSPEC
        assert (
            nb.cells[1].source
            == nbformat.read(root / path.relative_to(work), as_version=4).cells[1].source
        )
    # the stored notebooks are untouched
    stored = nbformat.read(root / "notebooks" / "01_introduction.ipynb", as_version=4)
    assert stored.metadata["kernelspec"]["name"] == "python3"


def test_work_folder_never_overwrites_the_learners_files(tmp_path):
    root = _course(tmp_path)
    prepare_work_folder(root)
    mine = root / "work" / "notebooks" / "02_training.ipynb"
    mine.write_text("my own work, not even JSON")
    (root / "work" / "exercises" / "01_introduction.ipynb").unlink()
    copied = prepare_work_folder(root)
    assert [p.name for p in copied] == ["01_introduction.ipynb"]
    assert copied[0].parent.name == "exercises"
    assert mine.read_text() == "my own work, not even JSON"


def test_work_folder_must_be_a_folder(tmp_path):
    root = _course(tmp_path)
    (tmp_path / "afile").write_text("x")
    with pytest.raises(ValueError, match=r"expected a folder .*Received: work=.*afile.*a file"):
        prepare_work_folder(root, tmp_path / "afile")


def test_chapter_links_to_exercises_resolve_inside_the_work_folder(tmp_path):
    """The real chapters: each `](../exercises/NN_x.ipynb)` link names a copied file."""
    work = tmp_path / "work"
    prepare_work_folder(ROOT, work)
    checked = 0
    for chapter in sorted((work / "notebooks").glob("*.ipynb")):
        nb = nbformat.read(chapter, as_version=4)
        for cell in nb.cells:
            if cell.cell_type != "markdown":
                continue
            for target in re.findall(r"\]\(([^)#\s]+\.ipynb)", cell.source):
                if "://" in target:
                    continue
                assert (chapter.parent / target).resolve().is_file(), (
                    chapter.name,
                    target,
                )
                checked += 1
    assert checked >= 4


def test_reset_keeps_the_old_copy_under_a_backup_name(tmp_path):
    root = _course(tmp_path)
    prepare_work_folder(root)
    mine = root / "work" / "notebooks" / "02_training.ipynb"
    mine.write_text("my edits")
    fresh, backup = reset_notebook("02", root=root)
    assert fresh == mine
    assert backup is not None and backup.read_text() == "my edits"
    assert re.fullmatch(r"02_training\.backup-\d{8}-\d{6}(-\d+)?\.ipynb", backup.name)
    assert nbformat.read(fresh, as_version=4).metadata["kernelspec"] == COURSE_KERNELSPEC
    # a second reset within the same second keeps both backups
    fresh.write_text("second edits")
    _, second = reset_notebook("training", root=root)
    assert second != backup and second.read_text() == "second edits"
    assert backup.read_text() == "my edits"


def test_reset_an_exercise_by_flag_or_path_and_when_missing(tmp_path):
    root = _course(tmp_path)
    fresh, backup = reset_notebook("1", exercise=True, root=root)
    assert fresh == root / "work" / "exercises" / "01_introduction.ipynb"
    assert backup is None
    fresh.write_text("answers")
    again, backup = reset_notebook("work/exercises/01_introduction.ipynb", root=root)
    assert again == fresh and backup.read_text() == "answers"


def test_reset_names_the_argument_on_a_bad_chapter(tmp_path):
    root = _course(tmp_path)
    with pytest.raises(
        ValueError,
        match=r"invalid value for `chapter`.*01_introduction, "
        r"02_training.*Received: chapter='7'",
    ):
        reset_notebook("7", root=root)


def test_cli_reset_and_lab_dry_run(tmp_path, monkeypatch, capsys):
    root = _course(tmp_path)
    monkeypatch.chdir(root)
    monkeypatch.setattr(sys, "prefix", str(tmp_path / "prefix"))
    import course_lib.lab

    registered = []
    monkeypatch.setattr(
        course_lib.lab, "ensure_course_kernel", lambda: registered.append(1) or tmp_path / "kernel"
    )
    assert main(["lab", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "Copied 4 notebook(s)" in out and f"--ServerApp.root_dir={root / 'work'}" in out
    assert registered and "Registered the course kernel" in out
    assert (tmp_path / "prefix" / "share/jupyter/lab/settings/overrides.json").is_file()
    assert main(["lab", "--dry-run", "--", "--port", "8899"]) == 0
    out = capsys.readouterr().out
    assert "nothing new to copy" in out and out.rstrip().endswith("--port 8899")
    (root / "work" / "notebooks" / "01_introduction.ipynb").write_text("edited")
    assert main(["reset", "01"]) == 0
    out = capsys.readouterr().out
    assert "Your previous copy is kept as" in out and "Fresh copy:" in out
    assert main(["reset", "nine"]) == 2
    assert "invalid value for `chapter`" in capsys.readouterr().err


def test_jupyter_files_stay_inside_the_prefix(tmp_path):
    env = jupyter_environment(tmp_path, {"HOME": "/home/x", "JUPYTER_RUNTIME_DIR": "/tmp/r"})
    for key in (
        "JUPYTER_CONFIG_DIR",
        "JUPYTER_DATA_DIR",
        "IPYTHONDIR",
        "MPLCONFIGDIR",
        "KERAS_HOME",
    ):
        assert Path(env[key]).is_relative_to(tmp_path), key
    assert env.get("JUPYTER_RUNTIME_DIR") in (None, str(runtime_dir(tmp_path)))  # not /tmp/r
    assert env["HOME"] == "/home/x"


def test_lab_kernels_run_in_the_chapters_environment(tmp_path):
    env = jupyter_environment(tmp_path, {"COLUMNS": "200", "TF_ENABLE_ONEDNN_OPTS": "1"})
    assert "COLUMNS" not in env
    assert env["TF_ENABLE_ONEDNN_OPTS"] == "0" and env["TF_CPP_MIN_LOG_LEVEL"] == "3"


def test_lab_settings_switch_off_the_news_and_keep_the_learners(tmp_path):
    path = tmp_path / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"@jupyterlab/apputils-extension:themes": {"theme": "dark"}}))
    assert write_lab_settings(tmp_path) == path
    settings = json.loads(path.read_text())
    assert settings["@jupyterlab/apputils-extension:themes"] == {"theme": "dark"}
    assert settings["@jupyterlab/apputils-extension:notification"]["fetchNews"] == "false"
    assert LAB_OVERRIDES["@jupyterlab/apputils-extension:notification"]["fetchNews"] == "false"


def test_lab_command_as_root_and_not(tmp_path):
    as_user = lab_command(tmp_path / "work", as_root=False, prefix=tmp_path)
    as_root = lab_command(tmp_path / "work", ["--no-browser"], as_root=True, prefix=tmp_path)
    assert "--allow-root" not in as_user and "--allow-root" in as_root
    assert as_root[-1] == "--no-browser"
    assert f"--ServerApp.root_dir={tmp_path / 'work'}" in as_user
    assert "--KernelSpecManager.allowed_kernelspecs=course-nn" in as_user
    assert "--KernelManager.transport=ipc" in lab_command(tmp_path, prefix=Path("/home/a/c/.venv"))
    long_prefix = Path("/home") / ("x" * 80) / ".venv"
    assert "--KernelManager.transport=ipc" in lab_command(tmp_path, prefix=long_prefix)
    env = jupyter_environment(long_prefix, {})
    assert env["JUPYTER_RUNTIME_DIR"] == str(runtime_dir(long_prefix))
    assert len(env["JUPYTER_RUNTIME_DIR"]) + 50 <= 103
    assert "JUPYTER_RUNTIME_DIR" not in jupyter_environment(Path("/home/a/c/.venv"), {})


def test_ensure_course_kernel_registers_once(tmp_path):
    spec = ensure_course_kernel(tmp_path)
    kernel = json.loads((tmp_path / "share/jupyter/kernels/course-nn/kernel.json").read_text())
    assert spec is not None and kernel["display_name"] == "Python 3 (course)"
    assert kernel["env"]["TF_ENABLE_ONEDNN_OPTS"] == "0"
    assert ensure_course_kernel(tmp_path) is None


def test_course_outputs_store_the_course_kernelspec():
    original = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 + 1")])
    original.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    executed = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 + 1")])
    executed.cells[0].outputs = [nbformat.v4.new_output("execute_result", {"text/plain": "2"})]
    cleaned = clean_executed(executed, original)
    assert cleaned.metadata["kernelspec"] == COURSE_KERNELSPEC
    assert COURSE_KERNELSPEC == {
        "name": "course-nn",
        "display_name": "Python 3 (course)",
        "language": "python",
    }
    assert (
        set_course_kernelspec(nbformat.v4.new_notebook()).metadata.kernelspec["name"] == "course-nn"
    )


def test_course_run_prints_no_kernel_transport_warning(tmp_path):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1 + 1\nprint(x)")])
    nb.metadata["kernelspec"] = dict(COURSE_KERNELSPEC)
    notebook = tmp_path / "01_tiny.ipynb"
    nbformat.write(nb, notebook)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "course_lib.cli",
            "run",
            str(notebook),
            "--output-dir",
            str(tmp_path / "out"),
        ],
        check=False,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    assert "without encryption" not in done.stderr + done.stdout
    assert "WARNING" not in done.stderr
    ran = nbformat.read(tmp_path / "out" / "01_tiny.ipynb", as_version=4)
    assert ran.cells[0].outputs[0]["text"] == "2\n"


def test_supported_pythons_agree_everywhere():
    low, high = SUPPORTED_PYTHONS
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["requires-python"] == f">={low[0]}.{low[1]},<{high[0]}.{high[1] + 1}"
    pins = {}
    for name in ("environment.yml", "binder/environment.yml"):
        match = re.search(r"^\s*-\s*python=(\d+)\.(\d+)", (ROOT / name).read_text(), re.MULTILINE)
        assert match, name
        pins[name] = (int(match[1]), int(match[2]))
        assert low <= pins[name] <= high, name
    assert len(set(pins.values())) == 1, pins
    readme = (ROOT / "README.md").read_text()
    assert f"Python {low[0]}.{low[1]} to {high[0]}.{high[1]}" in readme
    makefile = (ROOT / "Makefile").read_text()
    assert f"PYTHONS_CI ?= {low[0]}.{low[1]} {high[0]}.{high[1]}" in makefile


def test_binder_registers_the_course_kernel():
    post_build = (ROOT / "binder" / "postBuild").read_text()
    assert "install_course_kernel()" in post_build
    assert "course lab --dry-run" in post_build
    assert (ROOT / "binder" / "postBuild").stat().st_mode & 0o111
    assert "-e ..[dev]" in (ROOT / "binder" / "environment.yml").read_text()


def test_doctor_names_the_setup_and_the_conda_python(capsys, tmp_path):
    from course_lib.cli import _environment_yml_python

    assert main(["doctor", "--fast"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"^set-up\s+venv \(", out, re.MULTILINE)
    assert re.search(r"^environment.yml\s+python=3\.11$", out, re.MULTILINE)
    (tmp_path / "environment.yml").write_text("dependencies:\n  - python=3.10\n  - pip\n")
    assert _environment_yml_python(tmp_path) == "3.10"
    assert _environment_yml_python(tmp_path / "nowhere") is None


def test_doctor_rejects_an_unsupported_python(monkeypatch, capsys):
    monkeypatch.setattr(sys, "version_info", (3, 10, 13, "final", 0))
    assert main(["doctor", "--fast"]) == 1
    assert "Python 3.11 to 3.13 is required" in capsys.readouterr().err
