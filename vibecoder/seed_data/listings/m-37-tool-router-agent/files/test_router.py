from router import router


def test_valid_call():
    assert router.dispatch({"tool": "get_weather", "arguments": {"city": "Oslo", "unit": "f"}})["result"]["temperature"] == 69.8


def test_errors_the_model_can_act_on():
    assert router.dispatch({"tool": "get_weather", "arguments": {}})["error"] == "missing required argument 'city'"
    assert "must be one of" in router.dispatch({"tool": "get_weather", "arguments": {"city": "x", "unit": "k"}})["error"]
    assert router.dispatch({"tool": "nope"})["error"].startswith("unknown tool")
