#!/usr/bin/env python
"""Check the documentation site short of the Quarto render (Quarto is not installed on every machine).

Build the site where Quarto exists (install Quarto from https://quarto.org/docs/get-started/ first),
from the repository root:

    pip install -e ".[dev]" && nbdev_docs          # the site lands in _docs/

(nbdev_docs also renders README.md from nbs/index.ipynb with Quarto when README.md is older than it; this
project writes README.md with tools/make_readme.py, so run `python tools/make_readme.py` afterwards.
Without Quarto on the PATH, `nbdev_docs`, `nbdev_proc_nbs` and `nbdev_preview` try to install it with
`sudo dpkg -i` and then run `pip install -e ".[dev]"`: nbdev.quarto._pre_docs -> _ensure_quarto -> install.
This script never calls them.)

`python tools/docs_check.py` runs everything `nbdev_docs` runs before `quarto render`, through nbdev's
Python API and into a temporary directory, and checks what Quarto would then be given. Exit status 0 when
there is nothing to fix, 1 with a list of findings.

1. processing: every file under nbs/ goes through nbdev.serve._proc_file and every notebook through
   nbdev.serve_drv.main with nbdev.processors.FilterDefaults, exactly as nbdev.serve.proc_nbs does (spawned
   workers, IN_TEST=1). That is the only execution at docs time: `exec_show_docs` runs each notebook's
   export/exporti/exports cells, its import cells, its show_doc cells (the API entries) and its exec_doc cells.
   Quarto itself does not execute notebooks here (.ipynb are rendered from their stored outputs unless
   `execute: enabled: true`, which _quarto.yml does not set), so the results notebooks show their
   saved figures and the chapters show show_doc output, the output of their `#| exec_doc` cells (which
   exec_show_docs runs too), their markdown and code.
   Any exception fails the check, and so does a cell that mixes an import with other code (nbdev warns
   "Found cells containing imports and other code" and runs that whole test cell at docs time, without
   the ordinary cells before it).
2. sidebar: nbs/sidebar.yml is committed, custom_sidebar = True, every page it lists exists, every
   notebook under nbs/ is listed, nothing else is, and Quarto would render no page outside it.
3. API: every name in the `__all__` of every graphgan_nb module has a docstring (and so do the public
   methods of classes defined in the package) and has a show_doc entry on its notebook's processed page
   (constants need only be mentioned on it).
4. links: relative links and images in the markdown of nbs/**/*.ipynb and README.md point at committed
   files (`page.html` -> the page whose output file it is, `#anchor` -> a heading on that page); links
   into the site that nbdev adds for `backticked` names resolve to a heading; http(s) links are counted,
   not fetched. Every page has a title; the home page has a picture; each results page has a figure.
5. config: _quarto.yml / nbdev.yml / settings.ini agree (title, repo-url, site-url, output-dir,
   metadata-files naming nbdev.yml and sidebar.yml); nbdev.yml is what nbdev_docs would rewrite it to.
6. examples: every library notebook (one with `#| default_exp`) has at least one `#| exec_doc` cell, a cheap example
   that step 1 runs (in order, after the exported, import-only and show_doc cells before it) so that the page shows
   its result; each such cell must leave output on the processed page (a cell that only sets up names a later
   exec_doc cell uses may not), and one that raises fails step 1 naming the exec_doc cell.

Options: --keep DIR writes the processed notebooks to DIR (e.g. /tmp/proc, to look at them) instead of a
temporary directory; --reuse DIR re-checks such a DIR without processing again; --n-workers N (default 2);
-v prints every note, the external links and the processing time of each notebook.
"""
from __future__ import annotations
import argparse, importlib, inspect, json, os, re, shutil, subprocess, sys, tempfile, time, traceback, warnings
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RENDERABLE = {'.ipynb', '.qmd', '.md', '.rmd'}
IMG_MIMES = ('image/png', 'image/jpeg', 'image/svg+xml', 'image/gif')


def _proc_one(job):
    "Process one notebook as nbdev.serve.proc_nbs does (runs in a spawned worker); return (src, error, mixed cells, secs)."
    src, dst = job
    os.chdir(ROOT)
    from nbdev import serve_drv
    from nbdev.processors import FilterDefaults
    t0, err = time.time(), None
    with warnings.catch_warnings(record=True) as ws:
        warnings.simplefilter('always')
        try: serve_drv.main((Path(src), Path(dst), FilterDefaults))
        except BaseException as e:
            c, msg = e.__cause__, str(e)
            if c is not None and msg.startswith('Error') and ':\n' in msg:   # exec_show_docs: "Error in notebook: T in cell N :\nsource"
                err = (f'{type(c).__name__}: {str(c).strip()[:300]}', msg.split(':\n', 1)[1])
            else: err = (traceback.format_exc(limit=-3).strip(), '')
        finally: os.environ.pop('IN_TEST', None)
    mixed = []   # nbdev's warning: a cell with an import and other code runs (whole) at docs time
    for w in ws:
        m = str(w.message)
        if 'Found cells containing imports' in m: mixed.append(m.split('\n---\n', 1)[-1].rsplit('\n---', 1)[0])
    return src, err, mixed, time.time() - t0


def _quiet_worker(log):
    "Send the workers' fd 1/2 (FastJet's banner, C-level prints) to a log file."
    fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
    os.dup2(fd, 1); os.dup2(fd, 2)


def _cell_of(nb_path, src):
    "Index and import line of the code cell whose source is `src` (as nbdev quotes it: without its #| directives)."
    def norm(t): return '\n'.join(l for l in t.strip().splitlines() if not re.match(r'\s*#\|', l)).strip()
    cells = json.loads(Path(nb_path).read_text())['cells']
    for i, c in enumerate(cells):
        if c['cell_type'] == 'code' and norm(_src(c)) == norm(src): break
    else: i = '?'
    imp = next((l.strip() for l in src.splitlines() if re.match(r'\s*(import|from)\s+\S', l)), src.strip().splitlines()[0] if src.strip() else '')
    return i, imp


class Report:
    def __init__(self): self.findings, self.notes = [], []
    def bad(self, where, msg): self.findings.append(f'{where}: {msg}')
    def note(self, where, msg): self.notes.append(f'{where}: {msg}')


def _git_files():
    "Tracked files (relative paths), or None outside a git checkout."
    try: out = subprocess.run(['git', 'ls-files', '-z'], cwd=ROOT, capture_output=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError): return None
    return {p for p in out.decode().split('\0') if p}


def _yaml(p):
    import yaml
    return yaml.safe_load(p.read_text()) or {}


# ----------------------------------------------------------------------------------------------- config
def check_config(cfg, rep, tracked):
    from nbdev.quarto import _nbdev_yml
    nbs = cfg.nbs_path
    qy, ny, sy = nbs/'_quarto.yml', nbs/'nbdev.yml', nbs/'sidebar.yml'
    for p in (qy, ny, sy):
        if not p.exists(): rep.bad(p.relative_to(ROOT), 'missing')
    if not (qy.exists() and ny.exists()): return
    root = ROOT/'_quarto.yml'  # the design card's place for it: a link, so the one file nbdev_docs renders with is also found at the root
    if not (root.is_symlink() and root.resolve() == qy.resolve()):
        rep.bad('_quarto.yml', 'expected at the repository root as a symbolic link to nbs/_quarto.yml (ln -s nbs/_quarto.yml _quarto.yml)')
    elif tracked is not None and '_quarto.yml' not in tracked: rep.bad('_quarto.yml', 'not committed (git add it)')
    q, n = _yaml(qy), _yaml(ny)
    if (q.get('project') or {}).get('type') != 'website': rep.bad('nbs/_quarto.yml', 'project.type is not website')
    mf = q.get('metadata-files') or []
    for f in ('nbdev.yml', 'sidebar.yml'):
        if f not in mf: rep.bad('nbs/_quarto.yml', f'metadata-files does not include {f}')
    for f in mf:
        if not (nbs/f).exists(): rep.bad('nbs/_quarto.yml', f'metadata-files names {f}, which does not exist')
    html = ((q.get('format') or {}).get('html') or {})
    for css in ([html['css']] if isinstance(html.get('css'), str) else html.get('css') or []):
        if not (nbs/css).exists(): rep.bad('nbs/_quarto.yml', f'css {css} does not exist')
    ex = q.get('execute') or {}
    if isinstance(ex, dict) and ex.get('enabled'): rep.bad('nbs/_quarto.yml', 'execute.enabled is true: Quarto would re-run '
        'every notebook (results notebooks train for hours); nbdev only runs show_doc/export cells')
    if 'custom_quarto_yml' in cfg.d: rep.bad('settings.ini', 'custom_quarto_yml is obsolete (nbdev deletes _quarto.yml if False)')
    w, proj = n.get('website') or {}, {**(q.get('project') or {}), **(n.get('project') or {})}
    if not w.get('title'): rep.bad('nbs/nbdev.yml', 'no website.title')
    if w.get('repo-url') != cfg.git_url: rep.bad('nbs/nbdev.yml', f"repo-url {w.get('repo-url')!r} != settings.ini git_url {cfg.git_url!r}")
    site = cfg.doc_host + cfg.doc_baseurl
    if w.get('site-url') != site: rep.bad('nbs/nbdev.yml', f"site-url {w.get('site-url')!r} != {site!r} (settings.ini doc_host+doc_baseurl)")
    if proj.get('output-dir') != cfg.doc_path.name:
        rep.bad('nbs/nbdev.yml', f"output-dir {proj.get('output-dir')!r} != settings.ini doc_path {cfg.doc_path.name!r}")
    # nbdev_docs rewrites nbdev.yml from settings.ini (nbdev.quarto.refresh_quarto_yml): the committed one must match
    vals = {k: cfg[k] for k in ['title', 'description', 'branch', 'git_url', 'doc_host', 'doc_baseurl']}
    vals['doc_path'] = cfg.doc_path.name
    if ny.read_text() != _nbdev_yml.format(**vals):
        rep.bad('nbs/nbdev.yml', 'differs from what nbdev_docs writes from settings.ini: change settings.ini, then copy '
                'nbdev.quarto._nbdev_yml.format(...) (or run nbdev.quarto.refresh_quarto_yml())')
    if not cfg.custom_sidebar:
        rep.bad('settings.ini', 'custom_sidebar is False: nbdev_docs would overwrite nbs/sidebar.yml with every file under nbs/ '
                '(yml, css, git-ignored checkpoints)')
    if tracked is not None:
        for p in (qy, ny, sy, nbs/'styles.css'):
            r = str(p.relative_to(ROOT))
            if p.exists() and r not in tracked: rep.bad(r, 'not committed (git add it): a clean clone would not have it')


# ---------------------------------------------------------------------------------------------- sidebar
def _sidebar_pages(node, out):
    if isinstance(node, str): out.append(node)
    elif isinstance(node, list):
        for o in node: _sidebar_pages(o, out)
    elif isinstance(node, dict):
        for k in ('href', 'file'):
            if isinstance(node.get(k), str): out.append(node[k])
        if 'contents' in node: _sidebar_pages(node['contents'], out)
    return out


def _renderable(base):
    "Files Quarto renders in a website project rooted at `base` (it skips names starting with _ or .)."
    res = []
    for p in base.rglob('*'):
        rel = p.relative_to(base)
        if p.is_file() and p.suffix.lower() in RENDERABLE and not any(s[0] in '_.' for s in rel.parts): res.append(rel.as_posix())
    return sorted(res)


def check_sidebar(cfg, rep, notebooks):
    nbs = cfg.nbs_path
    sy = nbs/'sidebar.yml'
    if not sy.exists(): return []
    sb = ((_yaml(sy).get('website') or {}).get('sidebar'))
    sb = sb[0] if isinstance(sb, list) else sb
    pages = _sidebar_pages((sb or {}).get('contents', []), [])
    if not pages: rep.bad('nbs/sidebar.yml', 'lists no pages')
    seen = set()
    for p in pages:
        if p in seen: rep.bad('nbs/sidebar.yml', f'{p} listed twice')
        seen.add(p)
        if Path(p).suffix.lower() not in RENDERABLE: rep.bad('nbs/sidebar.yml', f'{p} is not a page (only .ipynb/.qmd/.md belong here)')
        elif not (nbs/p).is_file(): rep.bad('nbs/sidebar.yml', f'{p} does not exist')
    for nb in notebooks:
        if nb not in seen: rep.bad('nbs/sidebar.yml', f'{nb} is not listed')
    return pages


# ------------------------------------------------------------------------------------------- processing
def process(cfg, rep, out, n_workers):
    "Everything nbdev_docs does before `quarto render`, into `out`, without installing anything."
    from nbdev.doclinks import nbglob
    from nbdev.quarto import nbdev_sidebar
    from nbdev.serve import _proc_file
    nbs = cfg.nbs_path
    if not cfg.custom_sidebar:   # what nbdev_docs would write instead of our sidebar.yml: show it, do not write it
        rep.note('settings.ini', 'custom_sidebar is False; nbdev_sidebar would write a generated sidebar.yml')
    else: nbdev_sidebar.__wrapped__(path=nbs)   # a no-op with custom_sidebar = True, as in nbdev_docs
    files = nbglob(nbs, func=Path, file_glob='', file_re='')      # nbdev.serve.proc_nbs, verbatim
    for f in ('_quarto.yml', '_brand.yml'):
        if (nbs/f).exists(): files.append(nbs/f)
    if (nbs/'_extensions').exists(): files.extend(nbglob(nbs/'_extensions', func=Path, file_glob='', file_re='', skip_file_re='^[.]'))
    jobs = [(str(r[0]), str(r[1])) for r in files.map(_proc_file, cache=out, path=nbs).filter()]
    times, failed = {}, set()
    sys.path.insert(0, str(Path(__file__).parent))   # spawned workers import the worker function from this file by name
    from docs_check import _proc_one as worker, _quiet_worker as worker_init
    log = Path(tempfile.mkstemp(prefix='docs_check_workers_', suffix='.log')[1])
    with ProcessPoolExecutor(max_workers=max(1, n_workers), mp_context=get_context('spawn'),
                             initializer=worker_init, initargs=(str(log),)) as ex:
        try:
            for src, err, mixed, secs in ex.map(worker, jobs):
                rel = Path(src).relative_to(ROOT)
                times[str(rel)] = secs
                if err:
                    failed.add(Path(src).relative_to(nbs).as_posix())
                    what, cell = err
                    i, _ = _cell_of(src, cell) if cell else ('?', '')
                    first = next((l.strip() for l in cell.splitlines() if l.strip() and not l.lstrip().startswith('#|')), '')
                    kind = 'the exec_doc cell' if i in _exec_doc_cells(json.loads(Path(src).read_text())['cells']) else 'cell'
                    rep.bad(rel, f'processing for the docs failed in {kind} {i} ({first[:60]}): {what}' if cell else
                            'processing for the docs failed:\n    ' + what.replace('\n', '\n    '))
                for m in mixed:
                    i, imp = _cell_of(src, m)
                    rep.bad(rel, f'cell {i} mixes an import ({imp[:70]}) with other code, so nbdev_docs runs the whole '
                            'cell (after only the import/export/show_doc cells): move the import into the import cell')
        except Exception as e:   # a worker died (segfault, out of memory): nbdev_docs would die too
            tail = log.read_text(errors='replace')[-1500:] if log.exists() else ''
            rep.bad('nbs', f'processing crashed: {type(e).__name__}: {e}\n    worker output ends:\n    ' + tail.replace('\n', '\n    '))
    log.unlink(missing_ok=True)
    return times, failed


# -------------------------------------------------------------------------------------------- exec_doc
_re_exec_doc = re.compile(r'^\s*#\|\s*exec_doc\s*$', re.M)


def _exec_doc_cells(cells):
    "Indices of the code cells marked `#| exec_doc`."
    return [i for i, c in enumerate(cells) if c['cell_type'] == 'code' and _re_exec_doc.search(_src(c))]


def _bound_names(src):
    "Names a cell binds at its top level (assignments, defs, classes, imports, loop and with targets)."
    import ast
    try: tree = ast.parse('\n'.join(l for l in src.splitlines() if not l.lstrip().startswith(('#|', '%', '!'))))
    except SyntaxError: return set()
    names = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)): names.add(node.name); continue
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((a.asname or a.name).split('.')[0] for a in node.names); continue
        for sub in ast.walk(node):
            if isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Store): names.add(sub.id)
    return names


def check_exec_doc(cfg, rep, notebooks, out, failed):
    """Every library notebook shows examples with their results: at least one `#| exec_doc` cell (which nbdev_docs runs,
    after the exported, import-only and show_doc cells before it), and each such cell left output on the processed page,
    unless it only sets up names that a later exec_doc cell uses. A cell that raised already failed the processing."""
    norm = lambda t: '\n'.join(l for l in t.strip().splitlines() if not re.match(r'\s*#\|', l)).strip()
    n_cells = 0
    for nb in sorted(_module_notebooks(cfg.nbs_path, notebooks).values()):
        cells = json.loads((cfg.nbs_path/nb).read_text())['cells']
        ed = _exec_doc_cells(cells)
        n_cells += len(ed)
        if not ed:
            rep.bad(f'nbs/{nb}', 'no `#| exec_doc` cell: its page shows no example with its result (mark a cheap example cell '
                    'that prints or plots `#| exec_doc`; see CONTRIBUTING.md)')
            continue
        if nb in failed or not (out/nb).exists(): continue
        done = {}   # processed cells by source: their outputs
        for c in json.loads((out/nb).read_text())['cells']:
            if c['cell_type'] == 'code': done.setdefault(norm(_src(c)), c.get('outputs') or [])
        for k, i in enumerate(ed):
            s = _src(cells[i])
            outs = done.get(norm(s))
            first = next((l.strip() for l in s.splitlines() if l.strip() and not l.lstrip().startswith('#|')), '')
            if outs is None: rep.bad(f'nbs/{nb}', f'exec_doc cell {i} ({first[:60]}) is not on the processed page (hidden?)'); continue
            if outs: continue
            later = '\n'.join(_src(cells[j]) for j in ed[k + 1:])
            if not any(re.search(r'(?<![\w.])' + re.escape(v) + r'(?!\w)', later) for v in _bound_names(s)):
                rep.bad(f'nbs/{nb}', f'exec_doc cell {i} ({first[:60]}) produces no output and sets up nothing a later exec_doc cell '
                                     'uses: end it with the value or figure to show, or drop `#| exec_doc`')
    return n_cells


# ------------------------------------------------------------------------------------------------ pages
_re_fence = re.compile(r'^(```|~~~).*?^\1[^\n]*$', re.M | re.S)
_re_code = re.compile(r'`[^`\n]+`')
_re_link = re.compile(r'(!?)\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+["\'][^)]*["\'])?\s*\)')
_re_refdef = re.compile(r'^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)', re.M)
_re_html = re.compile(r'<(img|a|source)\b[^>]*?\b(?:src|href)\s*=\s*["\']([^"\']+)["\']', re.I)
_re_heading = re.compile(r'^(#{1,6})\s+(.+?)\s*#*\s*$', re.M)
_re_mdimg = re.compile(r'!\[(?:[^\[\]]|\[[^\]]*\])*\]\(|<img\b', re.I)


def _src(c):
    s = c.get('source') or ''
    return ''.join(s) if isinstance(s, list) else s


def _out_md(o):
    d = o.get('data') or {}
    s = d.get('text/markdown') or ''
    return ''.join(s) if isinstance(s, list) else s


def links_in(md):
    "(is_image, target) for every markdown/HTML link or image outside code."
    md = _re_fence.sub('', md)
    md = _re_code.sub('x', md)
    res = [(bool(b), t) for b, t in _re_link.findall(md)] + [(False, t) for t in _re_refdef.findall(md)]
    return res + [(tag.lower() in ('img', 'source'), t) for tag, t in _re_html.findall(md)]


def pandoc_id(text):
    "The id pandoc (Quarto) gives a heading."
    m = re.search(r'\{[^}]*#([\w:.-]+)[^}]*\}\s*$', text)
    if m: return m.group(1)
    text = re.sub(r'\{[^}]*\}\s*$', '', text)
    text = re.sub(r'!?\[([^\]]*)\]\([^)]*\)', r'\1', text)
    text = re.sub(r'<[^>]+>', '', text).replace('`', '').replace('*', '')
    s = ''.join(ch for ch in text if ch.isalnum() or ch in '_-. ').strip().lower()
    s = re.sub(r'\s+', '-', s)
    s = re.sub(r'^[^a-z\u00c0-\uffff]+', '', s)
    return s or 'section'


class Page:
    "A processed notebook: what Quarto is given for one page."
    def __init__(self, rel, path, failed=False):
        "`path`: the processed notebook, or the source one when processing `failed` (then only its name is used)."
        from nbdev.doclinks import _nbpath2html
        self.rel, self.failed, self.nb = rel, failed, json.loads(path.read_text())
        cells = self.nb['cells']
        self.fm = {}
        if cells and cells[0]['cell_type'] == 'raw':
            s = _src(cells[0]).strip()
            if s.startswith('---'):
                import yaml
                try: self.fm = yaml.safe_load(s.strip('-\n')) or {}
                except Exception: self.fm = {}
        out = self.fm.get('output-file') or (_nbpath2html(Path(rel)).name if failed else Path(rel).with_suffix('.html').name)
        self.html = (Path(rel).parent/out).as_posix()
        self.md_cells = [_src(c) for c in cells if c['cell_type'] == 'markdown']
        self.code_src = [_src(c) for c in cells if c['cell_type'] == 'code']
        outs = [o for c in cells if c['cell_type'] == 'code' for o in c.get('outputs', [])]
        self.out_md = [_out_md(o) for o in outs if _out_md(o)]
        self.out_text = [''.join(o.get('text', '')) + ''.join((o.get('data') or {}).get('text/plain', '')) for o in outs]
        self.n_out_images = sum(any(k in (o.get('data') or {}) for k in IMG_MIMES) for o in outs)
        self.n_md_images = sum(len(_re_mdimg.findall(m)) for m in self.md_cells)
        self.api = {h.strip() for m in self.out_md for _, h in _re_heading.findall(m)}   # show_doc headings
        self.ids = set()
        for m in self.md_cells + self.out_md:
            for _, h in _re_heading.findall(_re_fence.sub('', m)): self.ids.add(pandoc_id(h))
            self.ids.update(re.findall(r'\{#([\w:.-]+)', m))
            self.ids.update(re.findall(r'\bid\s*=\s*["\']([^"\']+)["\']', m))
        self.text = '\n'.join(self.md_cells + self.code_src + self.out_md + self.out_text)


def check_title(nbs, nb, page, rep):
    "nbdev takes the page title from the first '# Title' markdown cell (and drops that cell from the page)."
    cells = json.loads((nbs/nb).read_text())['cells']
    fm_title = False
    for i, c in enumerate(cells):
        s = _src(c).strip()
        if c['cell_type'] == 'raw' and s.startswith('---'):
            fm_title = fm_title or bool(re.search(r'^title:\s*\S', s, re.M)); continue
        if fm_title: return
        if c['cell_type'] == 'markdown' and re.match(r'#\s+\S', s): return
        t = page.fm.get('title') if not page.failed else None
        rep.bad(f'nbs/{nb}', f'cell {i} should be the "# Title" + "> summary" cell (it starts {s[:40]!r})'
                + (f"; nbdev takes the title {t!r} from a later H1 and drops that cell from the page" if t else '; the page has no title'))
        return
    rep.bad(f'nbs/{nb}', 'empty notebook')


# -------------------------------------------------------------------------------------------------- API
def _module_notebooks(nbs, notebooks):
    res = {}
    for nb in notebooks:
        for c in json.loads((nbs/nb).read_text())['cells']:
            m = re.search(r'^\s*#\|\s*default_exp\s+(\S+)', _src(c), re.M) if c['cell_type'] == 'code' else None
            if m: res[m.group(1)] = nb; break
    return res


def _auto_doc(obj):
    "Docstrings Python writes itself (dataclass/NamedTuple signatures, Enum): not documentation."
    d = (obj.__doc__ or '').strip()
    if inspect.isclass(obj):
        if d.startswith(obj.__name__ + '(') and (hasattr(obj, '__dataclass_fields__') or hasattr(obj, '_fields')): return True
        if d in ('An enumeration.',): return True
    return False


def _fn(v):
    if isinstance(v, (staticmethod, classmethod)): return v.__func__
    if isinstance(v, property): return v.fget
    if hasattr(v, 'func') and hasattr(v, 'attrname'): return v.func    # functools.cached_property
    return v if inspect.isfunction(v) else None


def check_api(cfg, rep, pages, notebooks):
    import pkgutil
    lib = cfg.lib_name
    pkg = importlib.import_module(lib)
    mods = sorted({lib} | {m.name for m in pkgutil.walk_packages(pkg.__path__, lib + '.') if not m.name.split('.')[-1].startswith('_')})
    mod_nb = _module_notebooks(cfg.nbs_path, notebooks)
    n_sym, done_cls = 0, set()
    for mn in mods:
        try: mod = importlib.import_module(mn)
        except Exception as e: rep.bad(mn, f'import failed: {type(e).__name__}: {e}'); continue
        names = getattr(mod, '__all__', None)
        if names is None: continue
        short = mn[len(lib) + 1:]
        nb = mod_nb.get(short)
        if names and nb is None: rep.bad(mn, 'no notebook has `#| default_exp ' + short + '`'); continue
        page = pages.get(nb)
        for nm in names:
            n_sym += 1
            where = f'{mn}.{nm}'
            if not hasattr(mod, nm): rep.bad(where, 'in __all__ but not defined'); continue
            obj = getattr(mod, nm)
            is_api = callable(obj) and (inspect.isfunction(obj) or inspect.isclass(obj) or inspect.ismethod(obj) or hasattr(obj, '__wrapped__'))
            if is_api:
                if not (obj.__doc__ or '').strip() or _auto_doc(obj): rep.bad(where, 'no docstring')
                if inspect.isclass(obj):
                    for k in obj.__mro__:
                        if not (k.__module__ or '').startswith(lib + '.') or k in done_cls: continue
                        done_cls.add(k)
                        for mname, v in vars(k).items():
                            f = _fn(v)
                            if mname.startswith('_') or f is None: continue
                            if not (f.__doc__ or '').strip(): rep.bad(f'{k.__module__}.{k.__qualname__}.{mname}', 'method has no docstring')
                if page is None or page.failed: continue
                if nm not in page.api and not any(h.startswith(nm + '.') for h in page.api):
                    elsewhere = [p for p, pg in pages.items() if nm in pg.api]
                    rep.bad(where, f'no show_doc entry on {nb} (page {page.html})'
                            + (f'; shown on {", ".join(elsewhere)}' if elsewhere else '')
                            + ': hidden (`#| hide`) or defined outside a top-level def/class of an exported cell? add show_doc(' + nm + ')')
            elif page is not None and not page.failed and not re.search(r'(?<![\w.])' + re.escape(nm) + r'(?!\w)', page.text):
                rep.bad(where, f'constant not mentioned on {nb} (page {page.html}): say what it is in the prose')
    return n_sym, len(mods)


def check_modidx(cfg, rep):
    "Would nbdev_docs (nbdev.doclinks._build_modidx) rewrite _modidx.py? Computed in memory, nothing written."
    from nbdev.doclinks import _get_modidx
    from fastcore.xtras import globtastic
    dest = cfg.lib_path
    idx = dest/'_modidx.py'
    if not idx.exists(): rep.bad(idx.relative_to(ROOT), 'missing: run nbdev_export'); return
    g = {}
    exec(idx.read_text(), g)
    cur = g['d']['syms']
    new = {}
    for f in globtastic(dest, file_glob='*.py', skip_file_re='^_', skip_folder_re=r'\.ipynb_checkpoints'):
        try: new.update(_get_modidx((dest.parent/f).resolve(), dest.parent.resolve(), nbs_path=cfg.nbs_path.resolve()))
        except ValueError: pass
    if new != cur: rep.bad(idx.relative_to(ROOT), 'stale (doc links would point at old anchors): run nbdev_export')


# ------------------------------------------------------------------------------------------------ links
def check_links(cfg, rep, pages, tracked, notebooks):
    nbs = cfg.nbs_path
    site = (cfg.doc_host + cfg.doc_baseurl).rstrip('/') + '/'
    by_html = {pg.html: pg for pg in pages.values()}
    ext, n_links = set(), 0

    def committed(p):
        rel = p.resolve().relative_to(ROOT).as_posix() if p.resolve().is_relative_to(ROOT) else None
        if rel is None or tracked is None: return True
        return rel in tracked or any(t.startswith(rel.rstrip('/') + '/') for t in tracked)

    def anchor_ok(pg, a, where, target):
        if a and pg is not None and not pg.failed and a not in pg.ids:
            near = sorted(i for i in pg.ids if a.lower() in i.lower() or i.lower() in a.lower())[:3]
            rep.bad(where, f'link {target}: no heading #{a} on {pg.rel}' + (f' (near: {", ".join(near)})' if near else ''))

    def check(where, base, target, img, page, site_mode):
        nonlocal n_links
        n_links += 1
        t = target.strip()
        if t.startswith(site):
            path, _, a = t[len(site):].partition('#')
            path = path.split('?')[0] or 'index.html'
            pg = by_html.get(path)
            if pg is None: rep.bad(where, f'link {t}: no page of the site is {path}')
            else: anchor_ok(pg, a, where, t)
            return
        if re.match(r'^[a-z][a-z0-9+.-]*:', t, re.I) or t.startswith('//'):
            if t.lower().startswith(('http:', 'https:', '//')): ext.add(t)
            return
        path, _, a = t.partition('#')
        path = path.split('?')[0]
        if not path:
            anchor_ok(page, a, where, t); return
        from urllib.parse import unquote
        p = (base/unquote(path))
        if site_mode and p.suffix == '.html':
            rel = p.resolve().relative_to(nbs.resolve()).as_posix() if p.resolve().is_relative_to(nbs.resolve()) else None
            pg = by_html.get(rel)
            if pg is None:
                src = p.with_suffix('.ipynb')
                hint = ''
                if src.exists():
                    r = src.resolve().relative_to(nbs.resolve()).as_posix()
                    if r in pages: hint = f' ({r} becomes {pages[r].html}; or link {r} itself)'
                rep.bad(where, f'link {t}: no page {path}{hint}')
            else: anchor_ok(pg, a, where, t)
            return
        if not p.exists():
            rep.bad(where, f'{"image" if img else "link"} {t}: {p.relative_to(ROOT) if p.resolve().is_relative_to(ROOT) else p} does not exist')
            return
        if not committed(p):
            rep.bad(where, f'{"image" if img else "link"} {t}: {p.resolve().relative_to(ROOT)} exists here but is not committed '
                           '(ignored or untracked)')
        if a and p.suffix == '.ipynb':
            r = p.resolve().relative_to(nbs.resolve()).as_posix() if p.resolve().is_relative_to(nbs.resolve()) else None
            if r in pages: anchor_ok(pages[r], a, where, t)

    for nb in notebooks:   # the source notebooks' markdown (what authors wrote)
        src = json.loads((nbs/nb).read_text())
        for i, c in enumerate(src['cells']):
            if c['cell_type'] != 'markdown': continue
            for img, t in links_in(_src(c)): check(f'nbs/{nb} cell {i}', (nbs/nb).parent, t, img, pages.get(nb), True)
    for rel, pg in pages.items():   # links nbdev added (`name` -> site page#anchor), in prose and show_doc output
        for m in pg.md_cells + pg.out_md:
            for img, t in links_in(m):
                if t.startswith(site): check(f'nbs/{rel} (processed)', (nbs/rel).parent, t, img, pg, True)
    readme = ROOT/'README.md'
    if readme.exists():
        for img, t in links_in(readme.read_text()): check('README.md', ROOT, t, img, None, False)
    else: rep.bad('README.md', 'missing')
    return n_links, ext


# ------------------------------------------------------------------------------------------------- main
def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--keep', metavar='DIR', help='write the processed notebooks to DIR (emptied first) and keep them')
    ap.add_argument('--reuse', metavar='DIR', help='skip processing: check DIR as an earlier --keep DIR left it (quick re-check)')
    ap.add_argument('--n-workers', type=int, default=2, help='notebooks processed in parallel (default 2)')
    ap.add_argument('-v', '--verbose', action='store_true', help='print every note, the external links and per-notebook times')
    args = ap.parse_args(argv)
    t0 = time.time()
    os.chdir(ROOT)
    from nbdev.config import get_config
    from nbdev.doclinks import nbglob
    cfg = get_config()
    nbs = cfg.nbs_path
    rep, tracked = Report(), _git_files()
    notebooks = sorted(p.relative_to(nbs).as_posix() for p in nbglob(nbs, as_path=True))

    check_config(cfg, rep, tracked)
    sidebar = check_sidebar(cfg, rep, notebooks)

    tmp, times, pages, n_sym, n_mod, n_links, ext, t_proc, n_exec_doc = None, {}, {}, 0, 0, 0, set(), 0.0, 0
    if args.reuse: out = Path(args.reuse).resolve()
    elif args.keep:
        out = Path(args.keep).resolve()
        if out.is_relative_to(nbs.resolve()) or ROOT.is_relative_to(out): sys.exit('--keep must name a directory of its own, outside nbs/')
        shutil.rmtree(out, ignore_errors=True)
    else: out = Path(tmp := tempfile.mkdtemp(prefix='docs_check_'))
    out.mkdir(parents=True, exist_ok=True)
    try:
        t1 = time.time()
        if args.reuse: times, failed = {}, {nb for nb in notebooks if not (out/nb).exists()}
        else: times, failed = process(cfg, rep, out, args.n_workers)
        t_proc = time.time() - t1
        for r in _renderable(out):
            if r not in sidebar: rep.bad(f'nbs/{r}', 'Quarto would render it as a page, but the sidebar does not list it')
        pages = {nb: Page(nb, out/nb) if nb not in failed and (out/nb).exists() else Page(nb, nbs/nb, failed=True) for nb in notebooks}
        for nb in notebooks:
            if nb not in failed and not (out/nb).exists(): rep.bad(f'nbs/{nb}', 'no processed page was written')
        for nb in notebooks: check_title(nbs, nb, pages[nb], rep)
        n_sym, n_mod = check_api(cfg, rep, pages, notebooks)
        for nb in sorted(failed): rep.note(f'nbs/{nb}', 'its show_doc entries and anchors were not checked (processing failed)')
        check_modidx(cfg, rep)
        n_links, ext = check_links(cfg, rep, pages, tracked, notebooks)
        n_exec_doc = check_exec_doc(cfg, rep, notebooks, out, failed)
        home = pages.get(cfg.get('readme_nb', 'index.ipynb'))
        if home is not None and home.n_md_images + home.n_out_images == 0:
            rep.bad(f'nbs/{home.rel}', 'the home page has no picture (no image in its markdown, no image output)')
        for nb, pg in pages.items():
            if nb.startswith('results/') and pg.n_md_images + pg.n_out_images == 0:
                rep.bad(f'nbs/{nb}', 'results page has no figure (outputs not saved?)')
    finally:
        if tmp: shutil.rmtree(tmp, ignore_errors=True)

    print(f'docs check: {len(pages)} pages ({len(sidebar)} in the sidebar), {n_sym} symbols in {n_mod} modules, '
          f'{n_links} links ({len(ext)} external, not fetched), {n_exec_doc} exec_doc examples, processing {t_proc:.0f} s, '
          f'total {time.time() - t0:.0f} s')
    slow = sorted(times.items(), key=lambda kv: -kv[1])[:3]
    if slow: print('slowest to process: ' + ', '.join(f'{k} {v:.0f} s' for k, v in slow))
    if args.verbose and times: print('processing times: ' + ', '.join(f'{Path(k).name} {v:.1f} s' for k, v in sorted(times.items())))
    if args.keep: print(f'processed notebooks kept in {out}')
    if rep.notes:
        print(f'\n{len(rep.notes)} notes (not failures):')
        for n in (rep.notes if args.verbose else rep.notes[:10]): print('  ' + n)
        if not args.verbose and len(rep.notes) > 10: print(f'  ... {len(rep.notes) - 10} more (-v)')
    if args.verbose and ext:
        print('\nexternal links (not fetched):')
        for e in sorted(ext): print('  ' + e)
    if rep.findings:
        print(f'\n{len(rep.findings)} findings:')
        for f in rep.findings: print('  ' + f)
        print('\nFAILED')
        return 1
    print('\nOK: nothing to fix short of `quarto render` (build the site with: nbdev_docs)')
    return 0


if __name__ == '__main__':
    sys.exit(main())
