"""``simcc fit`` over several days writes ``arrivals.volume_cv`` and says so (MODEL.md §8).

Skipped when the shared Anonymous Bank log is absent; the estimate itself is
tests/unit/test_fit_volume.py's.
"""

from __future__ import annotations

import yaml

from tests.cli.test_fit import bank, invoke  # noqa: F401  (bank: the fixture)


def test_several_days_fitted_together_give_a_volume_cv_and_the_output_says_so(bank, tmp_path):  # noqa: F811
    out = tmp_path / "three.yaml"
    result = invoke(
        "fit", bank, "--format", "anonymous-bank", "--days", "991005,991006,991007", "-o", out
    )
    assert result.exit_code == 0, result.output
    assert "arrivals.volume_cv" in result.output and "over 3 days" in result.output
    text = out.read_text()
    scenario = yaml.safe_load(text)
    assert scenario["arrivals"]["volume_cv"] >= 0
    assert "# arrivals.volume_cv" in text  # the comment says where it came from
    assert invoke("validate", out).exit_code == 0


def test_one_day_fitted_alone_writes_no_volume_cv(bank, tmp_path):  # noqa: F811
    out = tmp_path / "one.yaml"
    result = invoke("fit", bank, "--format", "anonymous-bank", "--days", "991005", "-o", out)
    assert result.exit_code == 0, result.output
    assert "arrivals" not in yaml.safe_load(out.read_text())
    assert "volume_cv" not in result.output
