"""The stubs document every item of the native module, and match it.

A quick, always-on version of ``mypy.stubtest`` (which run.sh also runs):
every public name of ``steward._steward`` is in ``_steward.pyi`` with a
docstring, and every function's parameters are the runtime's.
"""

from __future__ import annotations

import ast
import inspect
import pathlib
from typing import Dict, List, Union

import steward
from steward import _steward

STUB = pathlib.Path(steward.__file__).with_name("_steward.pyi")
Def = Union[ast.FunctionDef, ast.ClassDef]


def stub_items() -> Dict[str, ast.AST]:
    tree = ast.parse(STUB.read_text(encoding="utf-8"))
    items: Dict[str, ast.AST] = {}
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            items[node.name] = node
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            items[node.target.id] = node
        elif isinstance(node, ast.Assign):
            for t in node.targets:
                if isinstance(t, ast.Name):
                    items[t.id] = node
    return items


def params(fn: ast.FunctionDef) -> List[str]:
    a = fn.args
    names = [p.arg for p in a.posonlyargs + a.args + a.kwonlyargs]
    return [n for n in names if n not in ("self", "cls")]


def runtime_params(obj: object) -> List[str]:
    sig = inspect.signature(obj)  # type: ignore[arg-type]
    return [n for n in sig.parameters if n not in ("self", "cls", "$self", "$cls")]


def test_every_public_name_is_stubbed_and_documented() -> None:
    items = stub_items()
    public = [n for n in dir(_steward) if not n.startswith("_")] + ["__version__"]
    for name in public:
        assert name in items, f"{name} is missing from {STUB.name}"
        node = items[name]
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            assert ast.get_docstring(node), f"{name} has no docstring"
    assert sorted(_steward.__all__) == sorted(n for n in public if n != "__all__")


def test_classes_match_the_runtime() -> None:
    items = stub_items()
    for cls in (_steward.Estate, _steward.Store):
        node = items[cls.__name__]
        assert isinstance(node, ast.ClassDef)
        members = {n.name: n for n in node.body if isinstance(n, ast.FunctionDef)}
        runtime = {n for n in vars(cls) if not n.startswith("_")}
        assert runtime == {n for n in members if not n.startswith("_")}, cls.__name__
        for name in runtime:
            fn = members[name]
            assert ast.get_docstring(fn), f"{cls.__name__}.{name} has no docstring"
            attr = inspect.getattr_static(cls, name)
            if isinstance(attr, (staticmethod, classmethod)) or callable(attr):
                assert params(fn) == runtime_params(getattr(cls, name)), f"{cls.__name__}.{name}"
            else:
                assert any(
                    isinstance(d, ast.Name) and d.id == "property" for d in fn.decorator_list
                ), f"{cls.__name__}.{name} is a property at runtime"


def test_functions_match_the_runtime() -> None:
    fn = stub_items()["demo_estate"]
    assert isinstance(fn, ast.FunctionDef)
    assert params(fn) == runtime_params(_steward.demo_estate)
    assert "Returns:" in (ast.get_docstring(fn) or "")
