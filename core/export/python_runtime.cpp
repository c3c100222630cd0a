// The fixed part of every script `easel-cli export --format python` writes (see
// python_export.h). Kept as Python text here so it ships inside the core
// library; the generated script prepends MODEL and PAYLOADS.
#include "export/python_export.h"

namespace easel {

namespace {

const char *const kRuntime =
    R"PY(
# ---------------------------------------------------------------------------
# Everything below is the same for every exported model: it reads a CSV the
# way Easel reads it, prepares the features exactly as Easel's pipelines do
# (in float32 like Easel, networks in double), runs each ensemble member on each of its folds,
# averages the folds, weights the members and writes what `easel-cli predict`
# writes.
# ---------------------------------------------------------------------------

MISSING_TOKENS = frozenset(["", "NA", "N/A", "NaN", "nan", "null", "NULL", "?"])
MS_PER_DAY = 86400000
_NUMBER_RE = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*(?:[eE][+-]?[0-9]+)?|\.[0-9]+(?:[eE][+-]?[0-9]+)?)\Z")
_SPECIAL_RE = re.compile(r"-?(?:inf|infinity|nan)\Z", re.I)


def _trim(text):
    return text.strip(" \t")


def _is_missing(text):
    return _trim(text) in MISSING_TOKENS


def _parse_number(text):
    """A field of a numeric column: a number (from_chars), else None."""
    t = _trim(text)
    if t.startswith("+"):
        t = t[1:]
        if t.startswith("-") or t.startswith("+"):
            return None
    if _NUMBER_RE.match(t) or _SPECIAL_RE.match(t):
        return float(t)
    return None


def _split_fields(record, sep):
    """Fields of one record: (text, quoted) with doubled quotes undone."""
    fields = []
    i, n = 0, len(record)
    while True:
        if i < n and record[i] == '"':
            j = i + 1
            parts = []
            while j < n:
                k = record.find('"', j)
                if k < 0:
                    parts.append(record[j:])
                    j = n
                    break
                parts.append(record[j:k])
                if k + 1 < n and record[k + 1] == '"':
                    parts.append('"')
                    j = k + 2
                else:
                    j = k + 1
                    break
            k = record.find(sep, j)
            tail = record[j:] if k < 0 else record[j:k]
            fields.append(("".join(parts) + tail, True))
        else:
            k = record.find(sep, i)
            fields.append((record[i:] if k < 0 else record[i:k], False))
        if k < 0:
            return fields
        i = k + len(sep)


def _split_records(text):
    """The file's records as written (a quoted field may hold line breaks); blank lines left out."""
    records, buf, quotes = [], None, 0
    for line in text.split("\n"):
        if buf is None:
            buf, quotes = line, line.count('"')
        else:
            buf, quotes = buf + "\n" + line, quotes + line.count('"')
        if quotes % 2 == 0:
            records.append(buf[:-1] if buf.endswith("\r") else buf)
            buf = None
    if buf is not None:
        records.append(buf[:-1] if buf.endswith("\r") else buf)
    return [r for r in records if r.strip("\r") != ""]


class Column:
    """One input column as `easel-cli predict` reads it: numbers (float64, NaN
    missing) for the columns the model learnt as integer or real, else texts
    (None missing)."""

    def __init__(self, name, numeric, fields):
        self.name = name
        self.numeric = numeric
        if numeric:
            values = []
            for text, quoted in fields:
                v = None if (quoted or _is_missing(text)) else _parse_number(text)
                values.append(math.nan if v is None else v)
            self.values = np.asarray(values, dtype=np.float64)
            self.texts = None
        else:
            self.values = None
            self.texts = [None if _is_missing(text) else text for text, quoted in fields]

    def text_at(self):
        """Column::textAt per row, None when missing."""
        if self.numeric:
            return [None if math.isnan(v) else ("%.15g" % v) for v in self.values]
        return self.texts


class InputFile:
    """A CSV read as `easel-cli predict` reads it: the records as written, and the model's columns."""

    def __init__(self, path):
        with open(path, "r", encoding="utf-8-sig", newline="") as f:
            text = f.read()
        records = _split_records(text)
        if not records:
            raise SystemExit("%s: the file is empty" % path)
        self.header_record = records[0]
        first = records[0]
        self.sep = max([",", ";", "\t", "|"], key=lambda c: (first.count(c), c == ","))
        self.header = [t.strip() for t, q in _split_fields(first, self.sep)]
        self.records = records[1:]
        fields = [_split_fields(r, self.sep) for r in self.records]
        self.bad = [len(f) != len(self.header) for f in fields]
        lacking = [c for c in MODEL["input_columns"] if c not in self.header]
        if lacking:
            raise SystemExit("the model needs these columns, which the file lacks: %s. Add them (values may be "
                             "empty) and try again." % ", ".join(lacking))
        self.columns = []
        for name in MODEL["input_columns"]:
            j = self.header.index(name)
            numeric = MODEL["input_types"].get(name) in ("integer", "real")
            column_fields = [("", False) if bad else f[j] for f, bad in zip(fields, self.bad)]
            self.columns.append(Column(name, numeric, column_fields))

    def rows(self):
        return len(self.records)


def _days_from_civil(y, m, d):
    y -= 1 if m <= 2 else 0
    era = (y if y >= 0 else y - 399) // 400
    yoe = y - era * 400
    doy = (153 * (m - 3 if m > 2 else m + 9) + 2) // 5 + d - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


def _days_in_month(y, m):
    if m == 2 and ((y % 4 == 0 and y % 100 != 0) or y % 400 == 0):
        return 29
    return (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)[m - 1]


# ---- the pipelines (automl/preprocess.cpp) ---------------------------------------------------

def _parse_number_text(raw):
    """parseNumberText: a number, or true/yes/t/y 1, false/no/f/n 0, else NaN."""
    t = raw.strip()
    if not t:
        return math.nan
    if re.match(r"[+-]?(?:[0-9]+\.?[0-9]*(?:[eE][+-]?[0-9]+)?|\.[0-9]+(?:[eE][+-]?[0-9]+)?)\Z", t):
        return float(t)
    low = t.lower()
    if low in ("inf", "+inf", "infinity", "+infinity"):
        return math.inf
    if low in ("-inf", "-infinity"):
        return -math.inf
    if low in ("true", "yes", "t", "y"):
        return 1.0
    if low in ("false", "no", "f", "n"):
        return 0.0
    return math.nan


def _parse_iso_ms(raw):
    """parseIsoMs: ISO 8601 date or date-time text -> ms (UTC), NaN otherwise."""
    t = raw.strip()
    if len(t) < 10:
        return math.nan
    m = re.match(r"([0-9]{4})-([0-9]{2})-([0-9]{2})\Z", t[:10])
    if not m:
        return math.nan
    y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
    if mo < 1 or mo > 12 or d < 1 or d > _days_in_month(y, mo):
        return math.nan
    ms = _days_from_civil(y, mo, d) * MS_PER_DAY
    if len(t) > 10:
        time = t[11:]
        if time.endswith("Z"):
            time = time[:-1]
        tm = re.match(r"([0-9]{2}):([0-9]{2})(?::([0-9]{2})(?:[.,]([0-9]+))?)?\Z", time)
        if not tm:
            tm = re.match(r"([0-9]{2}):([0-9]{2}):([0-9]{2})()\Z", time[:8])
        if tm and int(tm.group(1)) < 24 and int(tm.group(2)) < 60 and int(tm.group(3) or 0) < 60:
            ms += int(tm.group(1)) * 3600000 + int(tm.group(2)) * 60000 + int(tm.group(3) or 0) * 1000
            if tm.group(4):
                ms += int((tm.group(4) + "00")[:3])
    return float(ms)


def _numbers(col, n):
    """The values a numeric column plan reads (Source::number)."""
    if col is None:
        return np.full(n, np.nan)
    if col.numeric:
        return col.values
    cache = {}
    out = np.empty(n, dtype=np.float64)
    for i, t in enumerate(col.texts):
        if t is None:
            out[i] = math.nan
        else:
            v = cache.get(t)
            if v is None:
                v = cache[t] = _parse_number_text(t)
            out[i] = v
    return out


def _milliseconds(col, n):
    """The values a date column plan reads (Source::ms: ms since the epoch, NaN missing)."""
    if col is None or col.numeric:
        return np.full(n, np.nan)
    cache = {}
    out = np.empty(n, dtype=np.float64)
    for i, t in enumerate(col.texts):
        if t is None:
            out[i] = math.nan
        else:
            v = cache.get(t)
            if v is None:
                v = cache[t] = _parse_iso_ms(t)
            out[i] = v
    return out


LEVEL_MISSING = -1
LEVEL_UNSEEN = -2


def _levels(col, levels, n):
    """Level index per row: 0..L-1, LEVEL_MISSING or LEVEL_UNSEEN (matched by the text as written)."""
    if col is None:
        return np.full(n, LEVEL_MISSING, dtype=np.int64)
    index = {level: i for i, level in enumerate(levels)}
    return np.array([LEVEL_MISSING if t is None else index.get(t, LEVEL_UNSEEN) for t in col.text_at()],
                    dtype=np.int64)


def _lower(word):
    """QString::toLower: each code point lower-cased on its own (no final-sigma rule)."""
    return "".join(ch.lower() for ch in word)


def _words(text):
    """wordsOf: the runs of letters and digits, lower-cased, in order (repeats kept)."""
    words, start = [], -1
    for i, ch in enumerate(text):
        if ch.isalnum():
            if start < 0:
                start = i
        elif start >= 0:
            words.append(_lower(text[start:i]))
            start = -1
    if start >= 0:
        words.append(_lower(text[start:]))
    return words


def _cdiv(a, b):
    """C++ integer division (towards zero) of int64 arrays by a positive constant."""
    q = np.abs(a) // b
    return np.where(a < 0, -q, q)


def _date_parts(ms, min_ms):
    """dateParts: year, month, day_of_week, hour, day_of_year, elapsed_days as float64 arrays."""
    t = ms.astype(np.int64)
    days = np.floor_divide(t, MS_PER_DAY)
    z = days + 719468
    era = _cdiv(np.where(z >= 0, z, z - 146096), 146097)
    doe = z - era * 146097
    yoe = _cdiv(doe - _cdiv(doe, 1460) + _cdiv(doe, 36524) - _cdiv(doe, 146096), 365)
    doy = doe - (365 * yoe + _cdiv(yoe, 4) - _cdiv(yoe, 100))
    mp = _cdiv(5 * doy + 2, 153)
    day = doy - _cdiv(153 * mp + 2, 5) + 1
    month = np.where(mp < 10, mp + 3, mp - 9)
    year = yoe + era * 400 + np.where(month <= 2, 1, 0)
    # daysFromCivil(year, 1, 1)
    y1 = year - 1
    era1 = _cdiv(np.where(y1 >= 0, y1, y1 - 399), 400)
    yoe1 = y1 - era1 * 400
    doe1 = yoe1 * 365 + _cdiv(yoe1, 4) - _cdiv(yoe1, 100) + 306
    jan1 = era1 * 146097 + doe1 - 719468
    dow = ((days % 7) + 7 + 3) % 7
    return [year.astype(np.float64), month.astype(np.float64), dow.astype(np.float64),
            (t - days * MS_PER_DAY).astype(np.float64) / 3600000.0,
            (days - jan1 + 1).astype(np.float64), (t - min_ms).astype(np.float64) / float(MS_PER_DAY)]

)PY"
    R"PY(
def transform(pipeline, table, n):
    """Preprocessor::transform: (float32 n x cols, int32 n x catCols)."""
    by_name = {c.name: c for c in table.columns}
    blocks, cats = [], []
    for plan in pipeline["columns"]:
        col = by_name.get(plan["name"])
        kind, scaled, indicator = plan["kind"], plan["scaled"], plan["indicator"]
        if kind == "numeric":
            v = _numbers(col, n)
            if not scaled:
                blocks.append(v.astype(np.float32))
            else:
                miss = np.isnan(v)
                blocks.append(((np.where(miss, plan["median"], v) - plan["mean"]) / plan["std"]).astype(np.float32))
                if indicator:
                    blocks.append(miss.astype(np.float32))
        elif kind == "one_hot":
            levels = plan["levels"]
            lv = _levels(col, levels, n)
            for i in range(len(levels)):
                blocks.append((lv == i).astype(np.float32))
            if indicator:
                blocks.append((lv == LEVEL_MISSING).astype(np.float32))
        elif kind == "target_encoded":
            levels = plan["levels"]
            L, m = len(levels), plan["outputs"]
            lv = _levels(col, levels, n)
            bucket = np.where(lv >= 0, lv, np.where(lv == LEVEL_MISSING, L, L + 1))
            full = np.asarray(plan["full"], dtype=np.float32).reshape(L + 2, m)
            for c in range(m):
                e = full[bucket, c]
                if scaled:
                    e = ((e.astype(np.float64) - plan["mean"][c]) / plan["std"][c]).astype(np.float32)
                blocks.append(e)
        elif kind == "embedded":
            L = len(plan["levels"])
            lv = _levels(col, plan["levels"], n)
            cats.append(np.where(lv >= 0, lv, L).astype(np.int32))
        elif kind == "date":
            used = [0, 1, 2, 3, 4, 5] if plan["dateTime"] else [0, 1, 2, 4, 5]
            ms = _milliseconds(col, n)
            miss = np.isnan(ms)
            parts = _date_parts(np.where(miss, 0, ms), int(plan["minimum"]))
            for part in used:
                if not scaled:
                    blocks.append(np.where(miss, np.nan, parts[part]).astype(np.float32))
                else:
                    z = (parts[part] - plan["mean"][part]) / plan["std"][part]
                    blocks.append(np.where(miss, 0.0, z).astype(np.float32))
            if indicator:
                blocks.append(miss.astype(np.float32))
        elif kind == "words":
            index = {w: i for i, w in enumerate(plan["words"])}
            count = np.full(n, np.nan)
            has = np.zeros((n, len(index)), dtype=np.float32)
            for r, text in enumerate(col.text_at() if col is not None else [None] * n):
                if text is None:
                    continue
                words = _words(text)
                count[r] = len(words)
                for w in words:
                    if w in index:
                        has[r, index[w]] = 1.0
            miss = np.isnan(count)
            if not scaled:
                blocks.append(count.astype(np.float32))
            else:
                blocks.append(np.where(miss, 0.0, (count - plan["mean"]) / plan["std"]).astype(np.float32))
            blocks += [has[:, j] for j in range(len(index))]
            if indicator:
                blocks.append(miss.astype(np.float32))
        else:
            raise SystemExit("unknown column kind %r" % kind)
    x = np.stack(blocks, axis=1) if blocks else np.zeros((n, 0), dtype=np.float32)
    c = np.stack(cats, axis=1) if cats else np.zeros((n, 0), dtype=np.int32)
    return np.ascontiguousarray(x, dtype=np.float32), np.ascontiguousarray(c, dtype=np.int32)


def feature_names(pipeline, class_labels):
    """The feature names in column order (FeatureMatrix::names)."""
    names = []
    for plan in pipeline["columns"]:
        name, kind = plan["name"], plan["kind"]
        if kind == "numeric":
            names.append(name)
        elif kind == "one_hot":
            names += ["%s=%s" % (name, level) for level in plan["levels"]]
        elif kind == "target_encoded":
            if plan["outputs"] == 1:
                names.append(name + " (target mean)")
            else:
                names += ["%s (share of %s)" % (name, class_labels[c] if c < len(class_labels) else c)
                          for c in range(plan["outputs"])]
        elif kind == "date":
            parts = ["year", "month", "day_of_week", "hour", "day_of_year", "elapsed_days"]
            names += ["%s.%s" % (name, parts[p]) for p in ([0, 1, 2, 3, 4, 5] if plan["dateTime"] else [0, 1, 2, 4, 5])]
        elif kind == "words":
            names.append(name + " (words)")
            names += ['%s has "%s"' % (name, w) for w in plan["words"]]
        if plan["indicator"] and kind != "embedded":
            names.append(name + " (missing)")
    return names


# ---- the models ---------------------------------------------------------------------------

def _payload(name):
    return base64.b64decode("".join(PAYLOADS[name]))


class XGBoostModel:
    """XGBoost booster (UBJ bytes); predicts with the rounds up to best_iteration."""

    def __init__(self, data):
        import xgboost
        self.xgb = xgboost
        self.booster = xgboost.Booster()
        self.booster.load_model(bytearray(data))
        rounds = self.booster.num_boosted_rounds()
        try:
            best = int(self.booster.attr("best_iteration"))
        except (TypeError, ValueError):
            best = rounds - 1
        if best < 0 or best >= rounds:
            best = rounds - 1
        self.best = best
        # A classification forest predicts its trees' mean class fractions:
        # p0 + scale * (margin - offset), then shares that add up to one, smoothed.
        self.fractions = None
        if self.booster.attr("easel_output") == "leaf_fractions":
            self.fractions = tuple(float(self.booster.attr("easel_fraction_" + key))
                                   for key in ("offset", "base", "scale", "smoothing"))
            self.multiclass = self.booster.attr("easel_problem") == "multiclass"

    def predict(self, x, cats):
        d = self.xgb.DMatrix(x, missing=np.nan)
        if self.fractions is None:
            p = self.booster.predict(d, iteration_range=(0, self.best + 1), validate_features=False)
            return np.asarray(p, dtype=np.float32)
        offset, base, scale, smoothing = self.fractions
        m = self.booster.predict(d, iteration_range=(0, self.best + 1), output_margin=True, validate_features=False)
        m = np.asarray(m, dtype=np.float32).astype(np.float64)
        f = np.clip(base + scale * (m - offset), 0.0, 1.0).astype(np.float32).astype(np.float64)
        if not self.multiclass:
            return ((1 - smoothing) * f + smoothing / 2.0).astype(np.float32)
        total = np.zeros(f.shape[0])
        for o in range(f.shape[1]):
            total = total + f[:, o]
        share = np.where(total[:, None] > 0, f / np.where(total > 0, total, 1.0)[:, None], 1.0 / f.shape[1])
        return ((1 - smoothing) * share + smoothing / f.shape[1]).astype(np.float32)


class LinearModel:
    """Linear / logistic / softmax model over the scaled features (NaN read as 0)."""

    def __init__(self, data):
        doc = json.loads(data.decode("utf-8"))
        self.problem = doc["problem"]
        self.weights = np.asarray(doc["weights"], dtype=np.float64)
        self.bias = np.asarray(doc["bias"], dtype=np.float64)

    def predict(self, x, cats):
        n = x.shape[0]
        z = np.empty((n, len(self.bias)), dtype=np.float64)
        for o in range(len(self.bias)):
            s = np.full(n, self.bias[o])
            w = self.weights[o]
            for j in range(x.shape[1]):
                v = x[:, j].astype(np.float64)
                s = s + np.where(np.isnan(v), 0.0, w[j] * np.where(np.isnan(v), 0.0, v))
            z[:, o] = s
        if self.problem == "regression":
            return z[:, 0].astype(np.float32)
        if self.problem == "binary":
            z0 = z[:, 0]
            with np.errstate(over="ignore"):
                pos = 1.0 / (1.0 + np.exp(-np.where(z0 >= 0, z0, 0.0)))
                neg = np.exp(np.where(z0 < 0, z0, 0.0)) / (1.0 + np.exp(np.where(z0 < 0, z0, 0.0)))
            return np.where(z0 >= 0, pos, neg).astype(np.float32)
        e = np.exp(z - z.max(axis=1, keepdims=True))
        total = np.zeros(n)
        for o in range(e.shape[1]):
            total = total + e[:, o]
        return (e / total[:, None]).astype(np.float32)


class MlpModel:
    """Easel's tabular MLP (embeddings, [linear, norm, activation] layers, head),
    re-implemented in numpy from the raw weights ("EASELMLP" bytes)."""

    def __init__(self, data):
        if data[:8] != b"EASELMLP":
            raise SystemExit("a network payload is damaged")
        version, size = struct.unpack_from("<II", data, 8)
        self.h = json.loads(data[16:16 + size].decode("utf-8"))
        self.w = {}
        pos = 16 + size
        while pos < len(data):
            (length,) = struct.unpack_from("<I", data, pos)
            pos += 4
            name = data[pos:pos + length].decode("utf-8")
            pos += length
            (count,) = struct.unpack_from("<Q", data, pos)
            pos += 8
            self.w[name] = np.frombuffer(data, dtype="<f4", count=count, offset=pos).astype(np.float64)
            pos += 4 * count

    def predict(self, x, cats):
        h = self.h
        n = x.shape[0]
        parts = []
        if h["numeric"] > 0:
            v = x.astype(np.float64)
            parts.append(np.where(np.isfinite(v), v, 0.0))
        for i, card in enumerate(h["catCardinality"]):
            code = cats[:, i].astype(np.int64)
            idx = np.where((code >= 0) & (code < card), code + 1, 0)
            parts.append(self.w["emb%d.weight" % i].reshape(card + 1, -1)[idx])
        z = np.concatenate(parts, axis=1) if len(parts) > 1 else parts[0]
        for l, width in enumerate(h["hidden"]):
            wt = self.w["fc%d.weight" % l].reshape(width, -1)
            z = z @ wt.T + self.w["fc%d.bias" % l]
            if h["norm"] == "batch":
                z = ((z - self.w["bn%d.running_mean" % l]) / np.sqrt(self.w["bn%d.running_var" % l] + 1e-5)
                     * self.w["bn%d.weight" % l] + self.w["bn%d.bias" % l])
            elif h["norm"] == "layer":
                mu = z.mean(axis=1, keepdims=True)
                var = ((z - mu) ** 2).mean(axis=1, keepdims=True)
                z = (z - mu) / np.sqrt(var + 1e-5) * self.w["ln%d.weight" % l] + self.w["ln%d.bias" % l]
            if h["activation"] == "silu":
                z = z / (1.0 + np.exp(-z))
            else:
                z = np.maximum(z, 0.0)
        out = z @ self.w["head.weight"].reshape(h["outputs"], -1).T + self.w["head.bias"]
        if h["task"] == "binary":
            return (1.0 / (1.0 + np.exp(-out[:, 0]))).astype(np.float32)
        if h["task"] == "multiclass":
            e = np.exp(out - out.max(axis=1, keepdims=True))
            return (e / e.sum(axis=1, keepdims=True)).astype(np.float32)
        return (out[:, 0] * h["targetStd"] + h["targetMean"]).astype(np.float32)


FAMILIES = {"xgboost": XGBoostModel, "random_forest": XGBoostModel, "linear": LinearModel, "mlp": MlpModel}


# ---- the ensemble (model/predictor.cpp) ---------------------------------------------------------

def predict(table):
    """Predictions (Predictor::predict): n x 1 values / P(class 1), or n x k probabilities (float32)."""
    n = table.rows()
    k = len(MODEL["class_labels"]) if MODEL["problem_type"] == "multiclass" else 1
    acc = np.zeros((n, k), dtype=np.float64)
    total_weight = 0.0
    features = {}
    for member in MODEL["members"]:
        model_class = FAMILIES.get(member["family"])
        if model_class is None:
            raise SystemExit("this script cannot run a %r model" % member["family"])
        member_acc = np.zeros((n, k), dtype=np.float64)
        for fold in member["folds"]:
            if fold["pipeline"] not in features:
                features[fold["pipeline"]] = transform(MODEL["pipelines"][fold["pipeline"]], table, n)
            x, cats = features[fold["pipeline"]]
            p = model_class(_payload(fold["payload"])).predict(x, cats)
            member_acc += p.reshape(n, k).astype(np.float64)
        w = member["weight"] / float(len(member["folds"]))
        acc += w * member_acc
        total_weight += member["weight"]
    return calibrate((acc / (total_weight if total_weight > 0 else 1.0)).astype(np.float32))


def calibrate(p):
    """The monotone map of the blended probabilities (automl/calibration.cpp), if the model has one."""
    c = MODEL.get("calibration") or {}
    method = c.get("method")
    if method is None:
        return p
    unscored = np.isnan(p).any(axis=1, keepdims=True)  # rows that could not be read stay as they are
    q = np.where(unscored, 0.5, p.astype(np.float64))
    if method == "platt":
        q = np.clip(q, 1e-7, 1.0 - 1e-7)
        t = c["slope"] * np.log(q / (1.0 - q)) + c["intercept"]
        with np.errstate(over="ignore"):  # exp(-t) past the float range is inf, and the probability 0, as in Easel
            out = 1.0 / (1.0 + np.exp(-t))
    elif method == "temperature":
        t = np.log(np.maximum(q, 1e-7)) * (1.0 / c["temperature"])
        t = np.exp(t - t.max(axis=1, keepdims=True))
        out = t / t.sum(axis=1, keepdims=True)
    else:
        raise SystemExit("this script cannot apply a %r calibration" % method)
    return np.where(unscored, p, out.astype(np.float32))


def _shortest(v):
    """std::to_chars(float): the shortest text that reads back as the same float32,
    fixed or scientific, whichever is shorter (fixed on a tie)."""
    v = np.float32(v)
    if np.isnan(v):
        return "-nan" if np.signbit(v) else "nan"
    if np.isinf(v):
        return "-inf" if v < 0 else "inf"
    sci = np.format_float_scientific(v, unique=True, trim="-")
    mantissa, exponent = sci.split("e")
    e = int(exponent)
    sci_text = "%se%s%02d" % (mantissa, "-" if e < 0 else "+", abs(e))
    fixed = np.format_float_positional(v, unique=True, trim="-")
    return fixed if len(fixed) <= len(sci_text) else sci_text


def _text_field(text, sep):
    if sep in text or '"' in text or "\n" in text or "\r" in text:
        return '"' + text.replace('"', '""') + '"'
    return text

)PY"
    R"PY(
def prediction_column_names(header, labels, classification):
    """predictionColumnNames (model/batch_predict.cpp): "prediction", then "probability_<label>" per class; a name
    the file already has gets "_2", "_3" ... until it is new."""
    wanted = ["prediction"] + (["probability_" + label for label in labels] if classification else [])
    taken = set(header)
    names = []
    for w in wanted:
        name, n = w, 2
        while name in taken:
            name, n = "%s_%d" % (w, n), n + 1
        taken.add(name)
        names.append(name)
    return names


def write_predictions(path, table, pred, precise=False):
    """What `easel-cli predict` writes: each record as written, then prediction and probability_<label>."""
    number = (lambda v: "%.17g" % float(v)) if precise else _shortest
    sep = table.sep
    labels = MODEL["class_labels"]
    problem = MODEL["problem_type"]
    threshold = MODEL["threshold"]
    head = table.header_record + "".join(sep + _text_field(name, sep)
                                         for name in prediction_column_names(table.header, labels, problem != "regression"))
    lines = [head]
    label_texts = [_text_field(label, sep) for label in labels]
    for r, record in enumerate(table.records):
        if table.bad[r]:
            lines.append(record + sep + (sep * len(labels) if problem != "regression" else ""))
            continue
        p = pred[r]
        if problem == "regression":
            fields = [number(p[0])]
        elif problem == "binary":
            fields = [label_texts[1 if float(p[0]) >= threshold else 0], number(np.float32(1.0) - p[0]), number(p[0])]
        else:
            fields = [label_texts[int(np.argmax(p))]] + [number(v) for v in p]
        lines.append(record + sep + sep.join(fields))
    data = ("\n".join(lines) + "\n").encode("utf-8")
    if path == "-":
        sys.stdout.buffer.write(data)
    else:
        with open(path, "wb") as f:
            f.write(data)


def main(argv):
    args = [a for a in argv[1:] if not a.startswith("--")]
    if len(args) != 2 or "--help" in argv:
        sys.stderr.write(__doc__ + "\n")
        return 2
    table = InputFile(args[0])
    pred = predict(table)
    write_predictions(args[1], table, pred, precise="--precise" in argv)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
)PY";

} // namespace

const char *pythonRuntimeSource()
{
    return kRuntime;
}

} // namespace easel
