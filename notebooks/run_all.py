"""Executes every notebook in this folder headless (nbclient) and fails on any cell error.

    NORDWAERTS=.build/debug/nordwaerts python notebooks/run_all.py

The notebooks find the CLI through $NORDWAERTS (else `nordwaerts` on PATH, else the release
or debug build of this repository) and the embedded dataset through $NORDWAERTS_DATA (else
datasets/dortmund). Executed copies go to $NOTEBOOK_OUT (default: a temporary folder), so the
committed notebooks stay free of outputs.
"""
import os, sys, tempfile, time
from pathlib import Path
import nbformat
from nbclient import NotebookClient

here = Path(__file__).resolve().parent
out = Path(os.environ.get("NOTEBOOK_OUT") or tempfile.mkdtemp(prefix="nordwaerts-notebooks-"))
out.mkdir(parents=True, exist_ok=True)
failed = []
notebooks = sorted(here.glob("*.ipynb"))
for path in notebooks:
    nb = nbformat.read(path, as_version=4)
    start = time.time()
    try:
        NotebookClient(nb, timeout=900, kernel_name="python3", resources={"metadata": {"path": str(here)}}).execute()
        print(f"notebook {path.name}: ok in {time.time() - start:.1f} s")
    except Exception as error:
        failed.append(path.name)
        print(f"notebook {path.name}: FAILED\n{error}", file=sys.stderr)
    nbformat.write(nb, out / path.name)
print(f"notebooks: {len(notebooks) - len(failed)} ran, {len(failed)} failed; executed copies in {out}")
sys.exit(1 if failed or not notebooks else 0)
