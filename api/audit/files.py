"""Reading records in batches (Parquet or CSV) and writing the audit atomically.

The input is streamed, never read whole: Parquet by record batches, CSV by blocks with every
cell read as text. The output is written to a temporary file beside OUTPUT and renamed over it
at the end, so OUTPUT appears complete or not at all (a failed or interrupted run removes the
temporary file, and the directories it created for it).

In CSV output, carried text cells that a spreadsheet (Excel, WPS) would run as a formula, those
starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return, get a leading ``'`` (OWASP's
advice on CSV injection; a plain number such as ``-5.00`` is left as it is), and NUL characters
are removed from every text cell. ``guard=False`` (``--csv-raw``) writes the cells as they are.
Parquet output holds typed values and is never changed.
"""

from __future__ import annotations

import base64
import codecs
import contextlib
import csv
import errno
import json
import os
import sys
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

BATCH_ROWS = 262_144
#: Bytes of CSV parsed at a time (each block becomes a batch).
CSV_BLOCK = 8 << 20
#: Row groups read and not yet joined into a batch, at most: a file of row groups of one record
#: would otherwise hold a batch's worth of tables, each with its own buffers and dictionaries.
PIECES = 256


class AuditError(Exception):
    """The run cannot go on (one clear line for the person who started it)."""


def is_csv(path: Path) -> bool:
    """INPUT is read as CSV when its name ends in ``.csv`` or ``.txt``, as Parquet otherwise."""
    return path.suffix.lower() in (".csv", ".txt")


#: OUTPUT's format, by its name's suffix; any other name is refused before the run.
OUTPUT_FORMATS = {".parquet": "Parquet", ".pq": "Parquet", ".csv": "CSV"}


def output_format(path: Path) -> str | None:
    """``"CSV"`` or ``"Parquet"`` for OUTPUT (None: a name that says neither)."""
    return OUTPUT_FORMATS.get(path.suffix.lower())


#: What INPUT may be, for the line that refuses anything else (Chinese, English).
FORMATS = (
    "本命令读取 Parquet 和 CSV（文件名以 .csv 或 .txt 结尾，首行为列名，UTF-8）",
    "bingpin audit reads Parquet, and CSV (a name ending in .csv or .txt, a header row, UTF-8)",
)
#: The first bytes of files people give instead, and what to say they are (Chinese, English).
OTHER_FORMATS = {
    b"PK\x03\x04": ("zip 压缩包，如 Excel .xlsx 或 WPS 表格", "a zip archive, such as an Excel .xlsx workbook"),
    b"\xd0\xcf\x11\xe0": ("旧版 Excel .xls 等 OLE 文件", "an old Excel .xls or another OLE file"),
}
TEXT = (
    "文本文件；如为 CSV，文件名须以 .csv 或 .txt 结尾",
    "a text file: if it is CSV, its name must end in .csv or .txt",
)
UNKNOWN = ("开头不是 Parquet 的标志 PAR1", "it does not begin with Parquet's mark, PAR1")
PARQUET_MAGIC = b"PAR1"


def _looks_like_text(head: bytes) -> bool:
    try:
        text = codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return False
    return all(char.isprintable() or char in "\t\r\n" for char in text)


def _other_format(head: bytes) -> tuple[str, str] | None:
    """What a file that begins with ``head`` is, when it is one of :data:`OTHER_FORMATS` (Chinese, English)."""
    return next((said for magic, said in OTHER_FORMATS.items() if head.startswith(magic)), None)


def not_parquet(path: Path) -> str | None:
    """Why a file read as Parquet is not one, in a line that names the formats read (None: it starts
    as Parquet does; pyarrow's own reading says whatever else is wrong)."""
    with path.open("rb") as handle:
        head = handle.read(512)
    if head.startswith(PARQUET_MAGIC):
        return None
    zh, en = _other_format(head) or (TEXT if _looks_like_text(head) else UNKNOWN)
    return (
        f"不是 Parquet 文件（{zh}）；{FORMATS[0]}，表格请另存为 CSV（UTF-8） / not a Parquet file ({en}); "
        f"{FORMATS[1]}: save a spreadsheet as CSV (UTF-8) first"
    )


def not_csv(path: Path) -> str | None:
    """Why a file named as CSV is not text (None: it may be): a Parquet file, or a workbook, renamed."""
    with path.open("rb") as handle:
        head = handle.read(8)
    if head.startswith(PARQUET_MAGIC):
        return "是 Parquet 文件，文件名请以 .parquet 结尾 / a Parquet file: name it *.parquet"
    known = _other_format(head)
    if known is not None:
        zh, en = known
        return f"不是 CSV 文件（{zh}），请另存为 CSV（UTF-8） / not a CSV file ({en}): save it as CSV (UTF-8)"
    return None


class Records:
    """An input file: its column names and its record batches."""

    def __init__(self, path: Path, batch_rows: int | None = None, encoding: str = "utf-8") -> None:
        self.path = path
        self.batch_rows = batch_rows or BATCH_ROWS
        #: The text encoding of a CSV input (Parquet text is UTF-8).
        self.encoding = encoding
        #: The Arrow types of the columns (None for CSV: every cell is text).
        self.schema: pa.Schema | None = None
        #: Columns of text read as labels (Arrow dictionaries, Parquet only): codes that repeat,
        #: each decoded once per page rather than once per record.
        self.labels: set[str] = set()
        #: The file's size, and the blocks and records taken from it so far (CSV: what the count of
        #: its records is estimated by).
        self.size = 0
        self.blocks = self.taken = 0
        self.finished = False
        #: UTF-8 bytes per byte of the file (CSV in another encoding is parsed as UTF-8, its
        #: blocks counted in UTF-8 bytes): measured on the file's first MiB.
        self.widening = 1.0
        try:
            self.size = path.stat().st_size
            if self.size == 0:
                what = " (no header row)" if is_csv(path) else ""
                raise AuditError(f"cannot read {path}: the file is empty{what}")
            if is_csv(path):
                problem = not_csv(path)
                if problem is not None:
                    raise AuditError(f"cannot read {path}: {problem}")
                utf8 = is_utf8(encoding)
                # utf-8-sig: a byte order mark is not part of the first name
                with path.open(encoding="utf-8-sig" if utf8 else encoding, newline="") as handle:
                    self.names = next(csv.reader(handle), [])
                if not self.names:
                    raise AuditError(f"cannot read {path}: no header row (the first line is empty)")
                if not utf8:
                    with path.open("rb") as handle:
                        head = handle.read(1 << 20)
                    text = codecs.getincrementaldecoder(encoding)(errors="replace").decode(head, final=False)
                    self.widening = len(text.encode("utf-8")) / max(len(head), 1)
                self.rows = None
            else:
                problem = not_parquet(path)
                if problem is not None:
                    raise AuditError(f"cannot read {path}: {problem}")
                self.parquet = pq.ParquetFile(path)
                self.schema = pa.schema(
                    [f.with_type(plain_layout(f.type)) for f in self.parquet.schema_arrow],
                    self.parquet.schema_arrow.metadata,
                )
                self.names = list(self.schema.names)
                self.rows = self.parquet.metadata.num_rows
        except UnicodeError as error:
            raise AuditError(not_text(path, encoding, error)) from None
        except (OSError, csv.Error, pa.ArrowException) as error:
            raise AuditError(f"cannot read {path}: {first_line(error)}") from None
        blank = [number for number, name in enumerate(self.names, 1) if not name.strip()]
        if blank:
            trailing = blank == list(range(len(self.names) - len(blank) + 1, len(self.names) + 1))
            hint = ("（表头末尾多余的逗号？）", " (a trailing comma in the header?)") if trailing else ("", "")
            numbers = [str(number) for number in blank]
            raise AuditError(
                f"{path}: 第 {'、'.join(numbers)} 列没有列名{hint[0]}/ column {', '.join(numbers)} has no "
                f"name{hint[1]}: name it, or remove the column"
            )
        twice = sorted({name for name in self.names if self.names.count(name) > 1})
        if twice:
            raise AuditError(
                f"{path}: 列名重复 / the same column name appears more than once: {', '.join(map(repr, twice))}"
            )

    def batches(self) -> Iterator[pa.Table]:
        try:
            if is_csv(self.path):
                source = self.path.open("rb")
                with source:  # closed too when the first block cannot be read
                    reader = pacsv.open_csv(
                        source,
                        read_options=pacsv.ReadOptions(block_size=CSV_BLOCK, encoding=self.encoding),
                        # an empty line is a record whose cells are all empty (refused as such), not
                        # nothing: in a file of one column it is the record of an empty cell, as Excel
                        # writes it, which was skipped without a word
                        parse_options=pacsv.ParseOptions(ignore_empty_lines=False),
                        convert_options=pacsv.ConvertOptions(
                            column_types={name: pa.string() for name in self.names},
                            strings_can_be_null=True,
                            null_values=[""],
                        ),
                    )
                    for batch in reader:
                        self.blocks, self.taken = self.blocks + 1, self.taken + batch.num_rows
                        yield pa.Table.from_batches([batch])
                    self.finished = True
            else:
                schema = self.schema
                assert schema is not None
                lists = [
                    f"{f.name}.list.element"
                    for f in schema
                    if pa.types.is_list(f.type) and pa.types.is_string(f.type.value_type)
                ]
                lists += [f.name for f in schema if f.name in self.labels and pa.types.is_string(f.type)]
                parquet = pq.ParquetFile(self.path, read_dictionary=lists)  # codes repeat: no strings made
                # read row group by row group (the reader cannot make one batch of two row groups'
                # dictionary-read lists), small row groups then joined into batches of about
                # batch_rows (their dictionaries unified): a file written 10,000 rows a group is
                # audited as fast as one written in large groups
                pending: list[pa.Table] = []
                rows = 0
                for group in range(parquet.num_row_groups):
                    for batch in parquet.iter_batches(batch_size=self.batch_rows, row_groups=[group]):
                        piece = _plain_layouts(pa.Table.from_batches([batch]))
                        self._check_text(piece)
                        pending.append(piece)
                        rows += batch.num_rows
                        if rows >= self.batch_rows:
                            yield _joined(pending)
                            pending, rows = [], 0
                        elif len(pending) >= PIECES:  # tiny row groups: each piece's buffers and dictionaries, joined
                            pending = [_joined(pending)]
                if pending:
                    yield _joined(pending)
        except UnicodeError as error:  # transcoded from another encoding (--encoding)
            raise AuditError(not_text(self.path, self.encoding, error)) from None
        except (OSError, pa.ArrowException) as error:
            if is_csv(self.path) and "invalid UTF8" in str(error):
                raise AuditError(not_text(self.path, self.encoding, error)) from None
            raise AuditError(f"cannot read {self.path}: {first_line(error)}") from None

    def _check_text(self, table: pa.Table) -> None:
        """Every text cell of a Parquet piece is UTF-8, as Parquet requires (a writer that does not
        check can store other bytes: each would end the run as an internal error when read, or be
        carried into the output as they are)."""
        for field, column in zip(table.schema, table.columns, strict=True):
            for chunk in column.chunks:
                for text in _texts(chunk):
                    try:
                        text.validate(full=True)
                    except pa.ArrowInvalid:
                        raise AuditError(
                            f"cannot read {self.path}: 列（{field.name!r}）含有不是 UTF-8 的文本 / column "
                            f"{field.name!r} holds text that is not UTF-8"
                        ) from None

    def estimated_rows(self) -> tuple[int | None, bool]:
        """How many records the file holds, and whether exactly: Parquet says; a CSV's count is
        estimated from the blocks taken so far (records per block, over the file's size), exact
        once it was read through; None before its first block."""
        if self.rows is not None or self.finished:
            return int(self.taken if self.rows is None else self.rows), True
        if not self.blocks:
            return None, False
        size = self.size * self.widening  # in the UTF-8 bytes the blocks are counted in
        return round(self.taken * size / min(size, self.blocks * CSV_BLOCK)), False


def _texts(array: pa.Array) -> Iterator[pa.Array]:
    """The text arrays in ``array``: itself, a dictionary's values, a list's or struct's items."""
    kind = array.type
    if _is_text(kind):
        yield array
    elif pa.types.is_dictionary(kind):
        yield from _texts(array.dictionary)
    elif pa.types.is_list(kind) or pa.types.is_large_list(kind):
        yield from _texts(array.flatten())
    elif pa.types.is_struct(kind):
        for number in range(kind.num_fields):
            yield from _texts(array.field(number))


def is_utf8(encoding: str) -> bool:
    """Whether ``encoding`` names UTF-8 (``utf8``, ``UTF-8`` ...); LookupError for no text
    encoding (``rot13`` and ``base64`` are codecs, but not of text)."""
    info = codecs.lookup(encoding)
    if not getattr(info, "_is_text_encoding", True):
        raise LookupError(encoding)
    return info.name == "utf-8"


def not_text(path: Path, encoding: str, error: Exception) -> str:
    """The refusal of a CSV input that is not text in ``encoding``: in Chinese first (a CSV that
    Excel saved on a Chinese Windows is GBK, not UTF-8), with what to do."""
    if is_utf8(encoding):
        return (
            f"cannot read {path}: 不是 UTF-8 编码的文本（Excel 中请另存为“CSV UTF-8（逗号分隔）”，或加 --encoding gbk"
            f" 按 GBK 读取） / not UTF-8 text ({first_line(error)}): save it as CSV UTF-8, or read it with"
            " --encoding gbk"
        )
    return f"cannot read {path}: 不是 {encoding} 编码的文本 / not {encoding} text ({first_line(error)})"


def plain_layout(kind: pa.DataType) -> pa.DataType:
    """``kind`` with text, bytes and lists in their usual layout: a string view as a string, a
    binary view as binary, a list view as a list (what pyarrow writes for a table held in views).
    The values are the same; only how Arrow holds them differs."""
    if pa.types.is_string_view(kind):
        return pa.string()
    if pa.types.is_binary_view(kind):
        return pa.binary()
    if pa.types.is_list(kind) or pa.types.is_list_view(kind):
        return pa.list_(kind.value_field.with_type(plain_layout(kind.value_type)))
    if pa.types.is_large_list(kind) or pa.types.is_large_list_view(kind):
        return pa.large_list(kind.value_field.with_type(plain_layout(kind.value_type)))
    return kind


def _plain_layouts(table: pa.Table) -> pa.Table:
    """``table`` with each column in :func:`plain_layout`."""
    for number, field in enumerate(table.schema):
        kind = plain_layout(field.type)
        if kind != field.type:
            table = table.set_column(number, field.with_type(kind), table.column(number).cast(kind))
    return table


def _bytes_shown(value: bytes) -> str:
    """Bytes as the report shows them: their text when they are UTF-8 (a system that wrote its
    record ids as bytes, without saying they are text), else ``0x`` and their hexadecimal digits."""
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError:
        return "0x" + value.hex()


def python_rows(table: pa.Table) -> list[dict[str, Any]]:
    """``table.to_pylist()``, with a binary column's values as :func:`_bytes_shown` shows them (they
    were written as Python's ``b'...'``), and the dates and times of a column that Python cannot
    hold (a day past 9999, before year 1) as Arrow's text of them (``10183-09-21``)."""
    for number, field in enumerate(table.schema):
        kind = field.type
        if pa.types.is_binary(kind) or pa.types.is_large_binary(kind) or pa.types.is_fixed_size_binary(kind):
            shown = [None if each is None else _bytes_shown(each) for each in table.column(number).to_pylist()]
            table = table.set_column(number, field.with_type(pa.string()), pa.array(shown, pa.string()))
    try:
        return table.to_pylist()
    except (OverflowError, ValueError):
        for number, field in enumerate(table.schema):
            if pa.types.is_date(field.type) or pa.types.is_timestamp(field.type):
                text = field.with_type(pa.string())
                table = table.set_column(number, text, pc.cast(table.column(number), pa.string()))
        return table.to_pylist()


def _joined(pieces: list[pa.Table]) -> pa.Table:
    """One table of ``pieces``, one chunk a column (labels read from several row groups have a
    dictionary each: joined into one)."""
    return pieces[0] if len(pieces) == 1 else pa.concat_tables(pieces).combine_chunks()


def first_line(error: BaseException) -> str:
    """An error's message in one line (its first), or its type's name when it has none."""
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__


def csv_column(column: pa.ChunkedArray) -> pa.ChunkedArray | pa.Array:
    """A column as CSV text: lists and structs as JSON, labels and amounts as text."""
    kind = column.type
    if pa.types.is_dictionary(kind):
        return pc.cast(column, pa.string())
    if pa.types.is_decimal(kind):
        return pc.cast(column, pa.string())
    if pa.types.is_nested(kind):
        return pa.array(
            [None if v is None else json.dumps(v, ensure_ascii=False, default=str) for v in column.to_pylist()]
        )
    return column


#: A cell a spreadsheet would take for a formula; a plain number is not one.
_FORMULA = "^[=+\\-@\t\r]"
_NUMBER = "^[+-]?[0-9]+(\\.[0-9]+)?$"


def _is_text(kind: pa.DataType) -> bool:
    return pa.types.is_string(kind) or pa.types.is_large_string(kind)


def guarded(column: pa.ChunkedArray | pa.Array, formulas: bool) -> pa.ChunkedArray | pa.Array:
    """A text column for CSV: without NUL characters, and (``formulas``) with a ``'`` before each
    cell that a spreadsheet would run as a formula."""
    if not _is_text(column.type):
        return column
    column = pc.replace_substring(column, "\x00", "")
    if not formulas:
        return column
    risky = pc.and_(pc.match_substring_regex(column, _FORMULA), pc.invert(pc.match_substring_regex(column, _NUMBER)))
    quote, nothing = pa.scalar("'", column.type), pa.scalar("", column.type)  # large_string too
    return pc.if_else(risky, pc.binary_join_element_wise(quote, column, nothing), column)


def _leaves(name: str, kind: pa.DataType, nested: bool = False) -> Iterator[tuple[str, pa.DataType, bool]]:
    """The Parquet column paths of a field (a list's items are ``NAME.list.element``, a struct's
    fields ``NAME.FIELD``: what the writer's per-column options name), their Arrow types, and
    whether each is inside a list or struct."""
    if pa.types.is_list(kind) or pa.types.is_large_list(kind):
        yield from _leaves(f"{name}.list.element", kind.value_type, True)
    elif pa.types.is_struct(kind):
        for child in kind:
            yield from _leaves(f"{name}.{child.name}", child.type, True)
    else:
        yield name, kind, nested


def parquet_options(schema: pa.Schema) -> dict[str, Any]:
    """Dictionary pages for labels and text (which repeat), inside lists too; plain pages for ids,
    amounts (as integers) and dates (delta pages would be smaller and quicker to write, but
    fastparquet's reader corrupts memory on a delta page without a value, such as a page of a
    discrepancy column where every record agrees); statistics (each row group's least and
    greatest value, what a reader skips row groups by) for ids, numbers, dates, flags and plain
    text, not for decimals (slow) nor labels (a pass over every row of every label column for
    little: a reader looking for a label finds it in the dictionary page). Options name leaf
    columns, text inside a list as its items' column. :func:`parquet_writer` writes a file with
    them."""
    leaves = [leaf for field in schema for leaf in _leaves(field.name, field.type)]
    text = [path for path, kind, _ in leaves if _is_text(kind) or pa.types.is_dictionary(kind)]
    stats = [path for path, kind, _ in leaves if not pa.types.is_decimal(kind) and not pa.types.is_dictionary(kind)]
    return {
        "compression": "snappy",
        "use_dictionary": text,
        "write_statistics": stats,
        "store_decimal_as_integer": True,
    }


def plain_type(kind: pa.DataType) -> pa.DataType:
    """``kind`` with its labels (Arrow dictionaries) as their values' type."""
    if pa.types.is_dictionary(kind):
        return kind.value_type
    if pa.types.is_list(kind):
        return pa.list_(plain_type(kind.value_type))
    return kind


def parquet_writer(path: Path, schema: pa.Schema) -> pq.ParquetWriter:
    """A Parquet writer with :func:`parquet_options`. The file declares labels inside a list
    (``assumptions``) as text: its stored Arrow schema (``ARROW:schema``, what pyarrow reads
    types back by) is ``schema`` with those lists plain. The pages are the same; read as
    dictionaries, a file of several row groups could be read back only row group by row group
    (pyarrow does not join nested dictionaries across row groups). Top-level labels are still
    read back as dictionaries."""
    writer = pq.ParquetWriter(str(path), schema, **parquet_options(schema))
    declared = pa.schema(
        [field.with_type(plain_type(field.type)) if pa.types.is_list(field.type) else field for field in schema],
        schema.metadata,
    )
    if not declared.equals(schema):
        writer.add_key_value_metadata({"ARROW:schema": base64.b64encode(declared.serialize().to_pybytes())})
    return writer


class Output:
    """OUTPUT, written through a temporary file in the same directory and renamed when done."""

    def __init__(self, path: Path, carried: Iterable[str] = (), guard: bool = True) -> None:
        self.path = path
        self.csv = output_format(path) == "CSV"
        self.carried, self.guard = set(carried), guard
        self.writer: Any = None
        self.sink: pa.NativeFile | None = None
        #: Directories made for OUTPUT, removed again if the run fails (deepest first).
        self.made = missing_directories(path.parent)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent)
            os.close(handle)
        except OSError as error:
            remove_directories(self.made)
            raise AuditError(f"cannot write {path}: {first_line(error)}") from None
        self.temporary = Path(name)

    def write(self, table: pa.Table) -> None:
        if self.csv:
            columns = {name: csv_column(table.column(name)) for name in table.column_names}
            if self.guard:
                columns = {name: guarded(column, name in self.carried) for name, column in columns.items()}
            table = pa.table(columns)
        if self.writer is None:
            if self.csv:  # with a byte order mark: Excel on a Chinese Windows reads UTF-8 text by it
                self.sink = pa.OSFile(str(self.temporary), "wb")
                self.sink.write(codecs.BOM_UTF8)
                self.writer = pacsv.CSVWriter(self.sink, table.schema)
            else:
                self.writer = parquet_writer(self.temporary, table.schema)
        self.writer.write_table(table)

    def finish(self) -> None:
        """Write the rest of the file (Parquet's footer) beside OUTPUT: what can fail (a full disk)
        fails here, before :meth:`commit` and before a report is written."""
        self.writer.close()
        if self.sink is not None:
            self.sink.close()
        _readable(self.temporary)

    def commit(self) -> None:
        """OUTPUT, in one step (the file :meth:`finish` wrote)."""
        os.replace(self.temporary, self.path)

    def discard(self) -> None:
        """Remove what the run wrote; what cannot be removed (a directory made read-only meanwhile)
        is named on stderr, and the run's own error stays the one reported."""
        for each in (self.writer, self.sink):
            if each is not None:
                with contextlib.suppress(Exception):  # the run has failed already: only the file matters now
                    each.close()
        try:
            self.temporary.unlink(missing_ok=True)
        except OSError as error:
            print(f"bingpin audit: could not remove {self.temporary}: {first_line(error)}", file=sys.stderr)
        remove_directories(self.made)


def missing_directories(directory: Path) -> list[Path]:
    """``directory`` and its parents that do not exist yet (deepest first): those a run makes."""
    return [d for d in [directory, *directory.parents] if not d.exists()]


def remove_directories(made: list[Path]) -> None:
    """Remove the directories a failed run made (deepest first), those still empty."""
    for directory in made:
        with contextlib.suppress(OSError):  # not empty (someone else's file): left alone
            directory.rmdir()


def _readable(path: Path) -> None:
    """Temporary files are private (0600); the result gets the usual permissions (umask)."""
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(path, 0o666 & ~umask)


def write_atomically(files: dict[Path, str]) -> None:
    """Each of ``files`` with its text, or none changed: every text is written beside its file
    first (a hidden ``.partial`` file, removed if anything fails), then each replaces its file in
    one step (a rename in the same directory, once every text is written and no file's place is
    a directory)."""
    staged: list[tuple[Path, Path]] = []
    try:
        for path in files:  # nothing can take a file's place but a file: found out before any is replaced
            if path.is_dir():
                raise IsADirectoryError(errno.EISDIR, "is a directory, not a file", str(path))
        for path, text in files.items():
            handle, partial = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent)
            staged.append((Path(partial), path))
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                stream.write(text)
            _readable(Path(partial))
        for written, path in staged:
            os.replace(written, path)
    except BaseException:
        for written, _ in staged:
            written.unlink(missing_ok=True)
        raise
