"""Input files are read within their size limit: never a device, a pipe or an endless file.

The scenario file (5 MB) and an empirical ``file:`` (50 MB) are refused when
they are not regular files, and read at most limit + 1 bytes; a file over the
limit is made sparse with ``truncate`` so the test stays cheap.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from pydantic import ValidationError

from simcc.dists import MAX_SAMPLE_BYTES, Empirical
from simcc.input_files import NotARegularFile, TooLarge, read_limited
from simcc.scenario import ScenarioError, load_scenario
from simcc.scenario.limits import MAX_FILE_BYTES

needs_dev_zero = pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes")


def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "pipe.yaml"
    os.mkfifo(path)
    return path


def sparse(path: Path, size: int) -> Path:
    with path.open("wb") as handle:
        handle.truncate(size)
    return path


def empirical(tmp_path: Path, name: str) -> Empirical:
    return Empirical.model_validate(
        {"dist": "empirical", "file": name}, context={"base_dir": str(tmp_path)}
    )


def test_read_limited_reads_a_file_of_exactly_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "f"
    path.write_bytes(b"x" * 10)
    assert read_limited(path, 10) == b"x" * 10
    with pytest.raises(TooLarge):
        read_limited(path, 9)


@needs_dev_zero
@pytest.mark.timeout(10)
def test_scenario_from_dev_zero_is_refused_as_not_a_regular_file() -> None:
    with pytest.raises(ScenarioError, match="is a character device, not a regular file"):
        load_scenario("/dev/zero")


@needs_fifo
@pytest.mark.timeout(10)
def test_scenario_from_a_named_pipe_is_refused_without_blocking(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match=r"is a named pipe \(FIFO\), not a regular file"):
        load_scenario(fifo(tmp_path))


@pytest.mark.timeout(10)
def test_scenario_file_over_the_limit_is_refused(tmp_path: Path) -> None:
    path = sparse(tmp_path / "big.yaml", MAX_FILE_BYTES + 1)
    with pytest.raises(ScenarioError, match="file too large"):
        load_scenario(path)


@needs_dev_zero
@pytest.mark.timeout(10)
def test_read_limited_refuses_a_device_whose_size_says_nothing() -> None:
    with pytest.raises(NotARegularFile) as caught:
        read_limited("/dev/zero", 10)
    assert caught.value.what == "a character device"


@needs_dev_zero
@pytest.mark.timeout(10)
def test_empirical_file_dev_zero_is_refused() -> None:
    with pytest.raises(ValidationError, match="is a character device, not a regular file"):
        empirical(Path("/"), "/dev/zero")


@needs_fifo
@pytest.mark.timeout(10)
def test_empirical_file_that_is_a_named_pipe_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo(tmp_path)
    with pytest.raises(ValidationError, match="named pipe"):
        empirical(tmp_path, "pipe.yaml")


@pytest.mark.timeout(10)
def test_empirical_file_over_the_limit_is_refused(tmp_path: Path) -> None:
    sparse(tmp_path / "big.txt", MAX_SAMPLE_BYTES + 1)
    with pytest.raises(ValidationError, match="is larger than 50 MB"):
        empirical(tmp_path, "big.txt")


def test_empirical_block_with_both_values_and_a_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "times.txt").write_text("30\n60\n")
    with pytest.raises(ValidationError, match="`values` or a `file`, not both"):
        Empirical.model_validate(
            {"dist": "empirical", "values": [1, 2], "file": "times.txt"},
            context={"base_dir": str(tmp_path)},
        )


def test_scenario_line_ends_are_read_as_text_mode_reads_them(tmp_path: Path) -> None:
    text = (
        "horizon: 1h\r\ncall_types:\r\n  b: {arrivals: {rate: 60/h}, path: [front]}\r\n"
        "pools:\r\n  front: {agents: 2, handle_time: 4m}\r"
    )
    path = tmp_path / "crlf.yaml"
    path.write_bytes(text.encode())
    assert load_scenario(path).horizon == 3600
