import pytest

from planner import CycleError, critical_path, waves


def test_parallel_waves():
    assert waves({"a": [], "b": ["a"], "c": ["a"], "d": ["b", "c"]}) == [["a"], ["b", "c"], ["d"]]


def test_cycles_and_unknowns():
    with pytest.raises(CycleError):
        waves({"a": ["b"], "b": ["a"]})
    with pytest.raises(ValueError):
        waves({"a": ["ghost"]})


def test_critical_path():
    assert critical_path({"a": [], "b": ["a"], "c": ["a"]}, {"a": 2, "b": 5, "c": 1}) == 7
