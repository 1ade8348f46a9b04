"""The grader's watch inside the student's kernel: do the tests run as written?

``integrity`` runs this file's source in the kernel before the first cell
(``install``). From then on an audit hook, which no later code can remove, answers
the grader's cells (``sys.audit(event, command, ...)``) and hears every call of
``sys.settrace``, ``sys.setprofile`` and ``sys.addaudithook`` after the setup cell.

- ``"setup starts"`` / ``"setup ends"``: the machinery after the setup cell becomes
  the reference (before it, the machinery at the start is);
- ``"check"``, before every test cell: the machinery is compared with the reference:
  every name in ``builtins`` and ``sys``, the user namespace's ``__builtins__``, the
  importers, the trace and profile functions of ``sys`` and ``threading``, every
  attribute, trait and list of IPython's shell, input transformer manager, events,
  display hook and compiler, the classes they come from, and the comparison
  functions the tests call. A changed value is named; a list (transformers, event
  callbacks, importers) is named when it gained something defined in the student's
  cells, so a library that registers a callback (matplotlib's inline backend) is not;
- ``"report", a, b``: a last comparison; then every test cell's source goes through
  the shell's own input and AST transformers and must come out as a pristine
  transformation does. The report, a line of JSON with the product ``a * b``, is
  written with the ``sys.stdout.write`` of the start.

Only objects captured by ``install`` are used afterwards, so a replaced builtin,
module function or stream cannot change the report. The kernel runs this file's
text as it is: keep it self-contained.
"""


def install(event, watched, tests):
    """Start watching. ``event``: the audit event name of the grader's cells;
    ``watched``: (module, dotted attribute) of the comparison functions the tests
    call; ``tests``: the test cells' sources."""
    import ast
    import builtins
    import json
    import sys
    import threading

    from IPython.core.inputtransformer2 import TransformerManager

    shell = get_ipython()  # noqa: F821 (a builtin in IPython)
    write, flush = sys.stdout.write, sys.stdout.flush
    _id, _type, _vars, _getattr, _isinstance, _list, _tuple, _callable = (
        id,
        type,
        vars,
        getattr,
        isinstance,
        list,
        tuple,
        callable,
    )
    dumps, dump_ast, parse = json.dumps, ast.dump, ast.parse
    pristine = TransformerManager().transform_cell
    # What changes as cells run, not how they run.
    volatile = {
        "execution_count",
        "last_execution_succeeded",
        "last_execution_result",
        "user_ns",
        "user_global_ns",
        "user_ns_hidden",
        "_last_traceback",
        "_main_mod_cache",
        "_orig_sys_module_state",
        "db",
        "tempfiles",
        "tempdirs",
        "_reply_content",
        "_last_input_line",
        "parent_header",
        "_parent_header",
        "_parent_header_global",
        "_trait_notifiers",
        "_trait_validators",
        "_cross_validation_lock",
        "_trait_values",
        "history_length",
        "_saved_rcParams",
        "active_eventloop",
        "exec_result",
        "prompt_count",
        "flags",
        "_",
        "__",
        "___",
        "last_type",
        "last_value",
        "last_traceback",
        "last_exc",
        "modules",
        "path",
        "path_importer_cache",
    }

    def identity(value):
        """What stays the same while the object does (a method: its function and
        object, as every attribute access makes a new method object)."""
        function = _getattr(value, "__func__", None)
        if function is not None:
            return (_id(function), _id(_getattr(value, "__self__", None)))
        return _id(value)

    def from_submission(value):
        """Was ``value`` (a callback, a transformer) defined in the student's cells?"""
        value = _getattr(value, "func", value)  # functools.partial
        value = _getattr(value, "__func__", value)  # a method
        module = _getattr(value, "__module__", None) or _getattr(
            _type(value), "__module__", None
        )
        return module == "__main__"

    def attributes(obj):
        try:
            found = _list(_vars(obj).items())
        except TypeError:
            found = []
        return found + _list(_getattr(obj, "_trait_values", {}).items())

    def machinery():
        """name -> (identity, items defined in the student's cells, callable?)."""
        state = {}

        def add(name, value):
            items = ()
            if _isinstance(value, (list, tuple)):
                items = _tuple(identity(v) for v in value if from_submission(v))
            elif _isinstance(value, dict) and name.startswith("IPython's events"):
                for kind, callbacks in value.items():
                    add(f"IPython's {kind} callbacks", callbacks)
                return
            state[name] = (identity(value), items, _callable(value))

        for name, value in attributes(builtins):
            add(f"builtins.{name}", value)
        add("the user namespace's __builtins__", shell.user_ns.get("__builtins__"))
        for name, value in attributes(sys):
            if name not in volatile:
                add(f"sys.{name}", value)
        add("sys.gettrace()", sys.gettrace())
        add("sys.getprofile()", sys.getprofile())
        add("threading.gettrace()", threading.gettrace())
        add("threading.getprofile()", threading.getprofile())
        parts = {
            "IPython's shell": shell,
            "IPython's input transformer manager": shell.input_transformer_manager,
            "IPython's events": shell.events,
            "IPython's display hook": shell.displayhook,
            "IPython's compiler": shell.compile,
        }
        for label, part in parts.items():
            for name, value in attributes(part):
                if name not in volatile:
                    add(f"{label}: {name}", value)
        for label, part in {**parts, "sys.stdout": sys.stdout}.items():
            for cls in _type(part).__mro__:
                for name, value in attributes(cls):
                    add(f"{label}: {cls.__name__}.{name}", value)
        for module_name, path in watched:
            obj = sys.modules.get(module_name)
            for part in path.split("."):
                obj = _getattr(obj, part, None)
            add(f"{module_name}.{path}", obj)
        return state

    findings = []
    reference = [machinery()]
    setup_running = [False]

    def found(finding):
        if finding not in findings:
            findings.append(finding)

    def compare():
        for name, (value, items, is_callable) in machinery().items():
            before = reference[0].get(name)
            if before is None:
                # A new name in builtins or sys, or a method overridden on an
                # object; new data attributes appear as IPython runs (lazy traits).
                if name.startswith(("builtins.", "sys.")) or is_callable:
                    found(f"{name} was added by the submission")
            elif value != before[0]:
                found(f"{name} was replaced by the submission")
            elif set(items) - set(before[1]):
                found(f"{name} gained code from the submission")

    def transformed(source):
        """The source as the shell would run it (an AST dump), or the error."""
        try:
            return dump_ast(shell.transform_ast(parse(shell.transform_cell(source))))
        except Exception as error:  # noqa: BLE001 (any failure is a finding)
            return f"{_type(error).__name__}: {error}"

    def report(a, b):
        compare()
        for number, source in enumerate(tests, start=1):
            if transformed(source) != dump_ast(parse(pristine(source))):
                found(
                    f"test cell {number} is not compiled as written: the "
                    "submission changed IPython's input or AST transformers"
                )
                break
        write(dumps({"product": str(a * b), "findings": findings}) + "\n")
        flush()

    def hook(name, args):
        if name == event:
            command = args[0]
            if command == "setup starts":
                compare()
                setup_running[0] = True
            elif command == "setup ends":
                reference[0] = machinery()
                setup_running[0] = False
            elif command == "check":
                compare()
            elif command == "report":
                report(*args[1:])
        elif name in ("sys.settrace", "sys.setprofile", "sys.addaudithook"):
            if not setup_running[0]:
                found(f"the submission called {name}()")

    sys.addaudithook(hook)
