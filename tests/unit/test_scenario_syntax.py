"""YAML syntax errors name the line where the problem starts, and keys YAML 1.1 reads as
booleans (``NO:``, ``on:``) are names.

Each syntax case is one edit of a small valid scenario (``BASE``, whose line numbers the
cases rely on); the line named is the one edited, the line where PyYAML stopped is beside it.
"""

from __future__ import annotations

import pytest

from simcc.scenario import ScenarioError, loads_scenario

BASE = """\
name: probe
horizon: 2h
warmup: 30m
call_types:
  billing:
    arrivals: {rate: 60/h}
    path: [front, desk]
pools:
  front:
    agents: 5
    handle_time: {dist: exponential, mean: 4m}
    resolve: 0.8
  desk:
    tier: 2
    agents: 2
    handle_time: {dist: exponential, mean: 6m}
transfer:
  policy: rules
  rules:
    - {when: {call_type: billing}, policy: warm}
    - {policy: cold}
"""


def edit(old: str, new: str) -> str:
    assert BASE.count(old) == 1, old
    return BASE.replace(old, new)


def message_of(text: str) -> str:
    with pytest.raises(ScenarioError) as caught:
        loads_scenario(text, source="centre.yaml")
    return str(caught.value)


def test_base_is_valid() -> None:
    assert loads_scenario(BASE).warmup == 1800


def test_a_key_without_a_space_after_its_colon_is_named_at_its_own_line() -> None:
    message = message_of(edit("warmup: 30m", "warmup:30m"))
    assert message.startswith("centre.yaml:3:1: YAML syntax error: could not find expected ':'")
    assert "the parser stopped at line 4" in message
    assert "a key needs a space after its colon: write `warmup: 30m`" in message


def test_a_first_key_without_its_space_is_named_at_its_own_line_not_the_next() -> None:
    # YAML reads `agents:5` and the line below as one text, then finds the ': ' below
    message = message_of(edit("    agents: 5\n", "    agents:5\n"))
    assert message.startswith("centre.yaml:10:5: YAML syntax error: mapping values are not")
    assert "the parser stopped at line 11" in message
    assert "a key needs a space after its colon: write `agents: 5`" in message


def test_a_list_item_without_its_dash_is_named_at_its_own_line() -> None:
    message = message_of(edit("    - {policy: cold}", "    {policy: cold}"))
    assert message.startswith("centre.yaml:21:5: YAML syntax error:")
    assert "the parser stopped at" in message
    assert "each item of a list starts with '- ': write `- {policy: cold}`" in message


def test_a_list_item_with_its_dash_but_no_space_is_told_the_space_not_another_dash() -> None:
    message = message_of(edit("    path: [front, desk]", "    path:\n      - front\n      -desk"))
    assert "write `- desk`" in message and "`- -" not in message


def test_a_later_list_item_glued_to_its_dash_is_told_the_space_not_the_indentation() -> None:
    message = message_of(edit("    - {policy: cold}", "    -{policy: cold}"))
    assert message.startswith("centre.yaml:21:5: YAML syntax error:")
    assert "each item of a list starts with '- ': write `- {policy: cold}`" in message
    assert "indented more" not in message


def test_commas_between_keys_outside_braces_are_told_to_use_braces() -> None:
    item = "    - {when: {call_type: billing}, policy: warm}"
    message = message_of(edit(item, "    - when: {call_type: billing}, policy: warm"))
    assert message.startswith("centre.yaml:20:")
    assert "a comma separates keys only inside { }" in message
    assert "write `- {when: {call_type: billing}, policy: warm}`" in message
    assert "indented more" not in message


def test_a_backslash_in_double_quotes_is_told_to_use_single_quotes() -> None:
    message = message_of(edit("name: probe", 'name: "C:\\q"'))
    assert "a backslash in double quotes starts an escape: use single quotes" in message


def test_an_unclosed_quote_is_named_where_it_opens_not_at_the_end_of_the_file() -> None:
    message = message_of(edit("warmup: 30m", 'warmup: "30m'))
    assert message.startswith("centre.yaml:3:9: YAML syntax error: found unexpected end of stream")
    assert "the parser stopped at the end of the file" in message
    assert 'the quote " opened on line 3 is never closed' in message


def test_an_unclosed_bracket_is_named_where_it_opens() -> None:
    message = message_of(edit("path: [front, desk]", "path: [front, desk"))
    assert message.startswith("centre.yaml:7:11: YAML syntax error:")
    assert "the [ opened on line 7 is not closed: close it with ]" in message


def test_an_over_indented_line_is_named_with_the_mapping_it_breaks() -> None:
    message = message_of(edit("    resolve: 0.8", "      resolve: 0.8"))
    assert message.startswith("centre.yaml:12:7: YAML syntax error:")
    assert "(while parsing a block mapping on line 10)" in message
    assert "line 12 is indented more than the keys of the mapping above it" in message


def test_a_line_read_as_the_rest_of_the_value_above_names_that_line() -> None:
    message = message_of(edit("    agents: 2", "  agents: 2"))
    assert message.startswith("centre.yaml:16:")
    assert "indented more than line 15 above it" in message


def test_a_value_holding_colon_space_is_told_to_be_quoted() -> None:
    message = message_of(edit("name: probe", "name: Centre: north"))
    assert message.startswith("centre.yaml:1:13: YAML syntax error: mapping values are not allowed")
    assert "must be quoted" in message


def test_a_tab_is_named_at_its_line() -> None:
    message = message_of(edit("    agents: 5\n", "\tagents: 5\n"))
    assert message.startswith("centre.yaml:10:1: YAML syntax error:")
    assert "YAML does not allow tabs" in message


# ----------------------------------------------------------------- keys read as booleans


@pytest.mark.parametrize("word", ["NO", "no", "No", "yes", "YES", "on", "On", "off", "OFF"])
def test_a_yes_no_on_off_key_is_a_name(word: str) -> None:
    text = edit("  billing:\n", f"  {word}:\n").replace(
        "    resolve: 0.8\n", f"    resolve: 0.8\n    skills: ['{word}']\n"
    )
    text = text.replace("{call_type: billing}", f"{{call_type: '{word}'}}")
    scenario = loads_scenario(text)
    assert list(scenario.call_types) == [word]
    assert scenario.pools["front"].skills == [word]


def test_a_segment_named_no_loads_as_norway() -> None:
    text = BASE + "segments:\n  standard: {share: 0.9}\n  NO: {share: 0.1, priority: 0}\n"
    assert list(loads_scenario(text).segments) == ["standard", "NO"]


def test_a_yes_no_value_of_a_boolean_key_is_still_a_boolean() -> None:
    text = edit("arrivals: {rate: 60/h}", "arrivals: {interval: 1h, rates: [60/h], repeat: yes}")
    assert loads_scenario(text).call_types["billing"].arrivals.repeat is True


@pytest.mark.parametrize(
    ("key", "fragment"),
    [
        ("True", "names must be text, got True, which YAML reads as true (quote it: 'True')"),
        ("false", "names must be text, got false (quote it: 'false')"),
        ("2", "names must be text, got 2 (quote it: '2')"),
    ],
)
def test_a_key_yaml_reads_as_no_text_is_named_at_its_own_line_as_written(
    key: str, fragment: str
) -> None:
    text = BASE + f"segments:\n  standard: {{share: 0.9}}\n  {key}: {{share: 0.1}}\n"
    message = message_of(text)
    assert message == f"centre.yaml:24: segments.{key}: {fragment}"


def test_a_yes_no_word_where_a_name_is_expected_is_told_to_be_quoted() -> None:
    text = edit("  billing:\n", "  no:\n").replace(
        "    resolve: 0.8\n", "    resolve: 0.8\n    skills: [no]\n"
    )
    text = text.replace("{call_type: billing}", "{call_type: 'no'}")
    message = message_of(text)
    assert "centre.yaml:13: pools.front.skills.0: expected text" in message
    assert "got no, which YAML reads as false: quote it, 'no'" in message


def test_list_items_without_a_space_after_the_dash_are_told_so() -> None:
    text = edit("    path: [front, desk]\n", "    path:\n      -front\n      - desk\n")
    message = message_of(text)
    assert message.startswith("centre.yaml:7: call_types.billing.path: expected a list")
    assert "each item of a list starts with '- ' (a dash and a space)" in message
