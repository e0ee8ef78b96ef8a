"""Renders chat templates as transformers does (the reference for ChatTemplateReferenceTest).

Reads a JSON list of cases from stdin, each {template, messages, add_generation_prompt, tokens}, and
prints a JSON list: the rendered text of each case, or {"raised": message} when the template called
raise_exception, or {"error": message} for any other failure. The environment is transformers'
_compile_jinja_template: an ImmutableSandboxedEnvironment with trim_blocks, lstrip_blocks and
loopcontrols, raise_exception as a global and tojson as json.dumps(ensure_ascii=False). strftime_now is
left out, as in ChatTemplate.
"""
import json
import sys

from jinja2.exceptions import TemplateError
from jinja2.sandbox import ImmutableSandboxedEnvironment


class Raised(Exception):
    pass


def raise_exception(message):
    raise Raised(message)


def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
    return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)


env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=["jinja2.ext.loopcontrols"])
env.filters["tojson"] = tojson
env.globals["raise_exception"] = raise_exception

out = []
for case in json.load(sys.stdin):
    try:
        template = env.from_string(case["template"])
        out.append(template.render(messages=case["messages"],
                                   add_generation_prompt=case["add_generation_prompt"], **case["tokens"]))
    except Raised as e:
        out.append({"raised": str(e)})
    except (TemplateError, TypeError, ValueError) as e:
        out.append({"error": str(e)})
json.dump(out, sys.stdout)
