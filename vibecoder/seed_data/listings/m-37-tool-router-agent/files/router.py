"""Route model tool calls to Python functions after validating their arguments."""

import json
import sys

TYPES = {"string": str, "integer": int, "number": (int, float), "boolean": bool, "array": list, "object": dict}


class ToolError(ValueError):
    """Returned to the model as a tool result so it can correct itself."""


class Router:
    def __init__(self):
        self.tools = {}

    def tool(self, name, schema):
        def register(function):
            self.tools[name] = (schema, function)
            return function
        return register

    def validate(self, schema, arguments):
        if not isinstance(arguments, dict):
            raise ToolError("arguments must be an object")
        for field in schema.get("required", []):
            if field not in arguments:
                raise ToolError(f"missing required argument '{field}'")
        for field, value in arguments.items():
            spec = schema.get("properties", {}).get(field)
            if spec is None:
                raise ToolError(f"unexpected argument '{field}'")
            expected = TYPES[spec["type"]]
            if not isinstance(value, expected) or (spec["type"] == "integer" and isinstance(value, bool)):
                raise ToolError(f"'{field}' must be {spec['type']}")
            if "enum" in spec and value not in spec["enum"]:
                raise ToolError(f"'{field}' must be one of {spec['enum']}")

    def dispatch(self, call):
        name = call.get("tool")
        if name not in self.tools:
            return {"ok": False, "error": f"unknown tool '{name}'; available: {sorted(self.tools)}"}
        schema, function = self.tools[name]
        try:
            self.validate(schema, call.get("arguments", {}))
            return {"ok": True, "result": function(**call.get("arguments", {}))}
        except ToolError as error:
            return {"ok": False, "error": str(error)}


router = Router()


@router.tool("get_weather", {"required": ["city"], "properties": {
    "city": {"type": "string"}, "unit": {"type": "string", "enum": ["c", "f"]}}})
def get_weather(city, unit="c"):
    celsius = 21
    return {"city": city, "temperature": celsius if unit == "c" else celsius * 9 / 5 + 32, "unit": unit}


if __name__ == "__main__":
    for line in sys.stdin:
        if line.strip():
            print(json.dumps(router.dispatch(json.loads(line))))
