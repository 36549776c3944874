/*
 * The compiler's side of the oracle: every reference from a function definition to a
 * function, global variable, enumerator, type or macro defined in the tree, as libclang
 * sees it in the units of one configured build.
 *
 *   extract <src dir> <build dir> <units file> > shard.tsv
 *
 * The units file holds, per translation unit, a line with the source path, a line with the
 * argument count, then one argument per line (extract.py writes it from
 * compile_commands.json, without -o, -c and the dependency-file options). Relative paths
 * are taken from the build directory. Output lines, deduplicated within the process (one
 * process per shard of units):
 *
 *   E  user-file user-line user-name user-flags  target-name kind target-file target-line target-flags use-line
 *   D  name kind file line linkage                 (function and variable definitions)
 *   I  file                                        (a tree file some unit read)
 *   S  file first-line last-line                   (a range the preprocessor skipped)
 *   U  file errors                                 (a unit and its error count)
 *
 * Files are relative to the source directory, or "@build/<path>" for generated ones; a
 * reference to something declared only outside both (system headers) is dropped. Locations
 * are expansion locations: where the code is written, whatever macro produced it.
 * user-flags: "m" when the function's name is not written at its line (a macro made it).
 * target-flags: "d" the target location is its definition (else a declaration: defined in
 * another unit), "m" the use is not written literally at its line (it comes from a macro
 * body, not from its arguments; for a macro, from another macro's expansion), "x" external linkage, "g" the target's name is not written where it is defined (a macro
 * expansion defines it: QOM casts, REG32/FIELD, DEF_HELPER).
 */
#define _GNU_SOURCE
#include <clang-c/Index.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char src_root[PATH_MAX], build_root[PATH_MAX];
static size_t src_len, build_len;

/* ---- a set of strings, to print every line once per process ---- */
static char **set_slots;
static size_t set_cap, set_used;

static uint64_t hash(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

static int set_insert(char *s) /* takes s; 1 if new */
{
    if (set_used * 2 >= set_cap) {
        size_t old = set_cap;
        char **slots = set_slots;
        set_cap = old ? old * 2 : 1 << 16;
        set_slots = calloc(set_cap, sizeof(char *));
        set_used = 0;
        for (size_t i = 0; i < old; i++)
            if (slots[i]) {
                size_t j = hash(slots[i]) & (set_cap - 1);
                while (set_slots[j])
                    j = (j + 1) & (set_cap - 1);
                set_slots[j] = slots[i];
                set_used++;
            }
        free(slots);
    }
    size_t j = hash(s) & (set_cap - 1);
    while (set_slots[j]) {
        if (!strcmp(set_slots[j], s)) {
            free(s);
            return 0;
        }
        j = (j + 1) & (set_cap - 1);
    }
    set_slots[j] = s;
    set_used++;
    return 1;
}

static void emit(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void emit(const char *fmt, ...)
{
    char *s;
    va_list ap;
    va_start(ap, fmt);
    if (vasprintf(&s, fmt, ap) < 0)
        abort();
    va_end(ap);
    if (set_insert(s))
        fputs(s, stdout);
}

/* ---- files: CXFile -> path relative to the tree, or NULL outside it; per unit ---- */
struct file_entry {
    CXFile file;
    char *rel; /* NULL: outside the tree */
    const char *text;
    size_t size;
};
static struct file_entry *files;
static size_t files_len, files_cap;
static CXTranslationUnit tu;

static struct file_entry *file_of(CXFile f)
{
    if (!f)
        return NULL;
    for (size_t i = files_len; i-- > 0;) /* few hundred files per unit, recent ones first */
        if (clang_File_isEqual(files[i].file, f))
            return &files[i];
    if (files_len == files_cap) {
        files_cap = files_cap ? files_cap * 2 : 512;
        files = realloc(files, files_cap * sizeof *files);
    }
    struct file_entry *e = &files[files_len++];
    e->file = f;
    e->rel = NULL;
    e->text = NULL;
    e->size = 0;
    CXString name = clang_getFileName(f);
    char real[PATH_MAX];
    if (realpath(clang_getCString(name), real)) {
        if (!strncmp(real, src_root, src_len) && real[src_len] == '/')
            e->rel = strdup(real + src_len + 1);
        else if (!strncmp(real, build_root, build_len) && real[build_len] == '/') {
            if (asprintf(&e->rel, "@build/%s", real + build_len + 1) < 0)
                abort();
        }
    }
    clang_disposeString(name);
    return e;
}

struct loc {
    struct file_entry *file;
    unsigned line, offset;
};

static struct loc loc_of(CXSourceLocation l)
{
    CXFile f;
    unsigned line, col, off;
    clang_getExpansionLocation(l, &f, &line, &col, &off);
    struct loc r = { file_of(f), line, off };
    return r;
}

static int ident_char(char c)
{
    return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* is `name` written at this location (not brought by a macro body)? */
static int written_at(struct loc l, const char *name)
{
    struct file_entry *e = l.file;
    if (!e->text) {
        e->text = clang_getFileContents(tu, e->file, &e->size);
        if (!e->text)
            return 1;
    }
    size_t n = strlen(name);
    if (l.offset + n > e->size || memcmp(e->text + l.offset, name, n))
        return 0;
    return l.offset + n == e->size || !ident_char(e->text[l.offset + n]);
}

/* ---- the function being walked ---- */
struct user {
    const char *file;
    unsigned line;
    char *name;
    int by_macro;
};

static const char *kind_of(CXCursor ref, int *linkage_ok)
{
    *linkage_ok = 1;
    switch (clang_getCursorKind(ref)) {
    case CXCursor_FunctionDecl:
        return "function";
    case CXCursor_VarDecl:
        /* file-scope (external or internal linkage); locals and static locals have none */
        *linkage_ok = clang_getCursorLinkage(ref) != CXLinkage_NoLinkage;
        return "global";
    case CXCursor_EnumConstantDecl:
        return "enumerator";
    case CXCursor_TypedefDecl:
    case CXCursor_StructDecl:
    case CXCursor_UnionDecl:
    case CXCursor_EnumDecl:
        return "type";
    default:
        return NULL;
    }
}

static void edge(struct user *u, CXCursor use, CXCursor ref)
{
    int ok;
    const char *kind = kind_of(ref, &ok);
    if (!kind || !ok)
        return;
    CXString s = clang_getCursorSpelling(ref);
    const char *name = clang_getCString(s);
    if (!name[0] || strchr(name, ' ') || strchr(name, '(')) { /* anonymous */
        clang_disposeString(s);
        return;
    }
    CXCursor def = clang_getCursorDefinition(ref);
    int defined = !clang_Cursor_isNull(def);
    if (!defined)
        def = ref;
    struct loc t = loc_of(clang_getCursorLocation(def));
    if (!t.file || !t.file->rel) {
        clang_disposeString(s);
        return;
    }
    struct loc at = loc_of(clang_getCursorLocation(use));
    /* where the name is written: the file location is the argument's place for a token of a
       macro argument, the expansion's for one of the macro's body */
    CXFile wf;
    unsigned wline, wcol, woff;
    clang_getFileLocation(clang_getCursorLocation(use), &wf, &wline, &wcol, &woff);
    struct loc w = { file_of(wf), wline, woff };
    int literal = w.file ? written_at(w, name) : 1;
    int ext = clang_getCursorLinkage(ref) == CXLinkage_External;
    int target_by_macro = !written_at(t, name);
    emit("E\t%s\t%u\t%s\t%s\t%s\t%s\t%s\t%u\t%s%s%s%s\t%u\n", u->file, u->line, u->name,
         u->by_macro ? "m" : "-", name, kind, t.file->rel, t.line, defined ? "d" : "",
         literal ? "" : "m", ext ? "x" : "", target_by_macro ? "g" : "", at.line);
    clang_disposeString(s);
}

static enum CXChildVisitResult in_function(CXCursor c, CXCursor parent, CXClientData data)
{
    (void)parent;
    switch (clang_getCursorKind(c)) {
    case CXCursor_DeclRefExpr:
    case CXCursor_TypeRef:
        edge(data, c, clang_getCursorReferenced(c));
        break;
    default:
        break;
    }
    return CXChildVisit_Recurse;
}

/* ---- macro expansions, matched to the function whose extent holds them ---- */
struct span {
    struct file_entry *file;
    unsigned start, end;
    struct user user;
};
static struct span *spans;
static size_t spans_len, spans_cap;

struct expansion {
    struct file_entry *file;
    unsigned offset, line;
    char *name;
    const char *def_file;
    unsigned def_line;
    int literal; /* the macro's name is written here, not produced by another expansion */
};
static struct expansion *exps;
static size_t exps_len, exps_cap;

static void definition(CXCursor c, const char *kind, struct loc l)
{
    CXString s = clang_getCursorSpelling(c);
    enum CXLinkageKind k = clang_getCursorLinkage(c);
    emit("D\t%s\t%s\t%s\t%u\t%s\n", clang_getCString(s), kind, l.file->rel, l.line,
         k == CXLinkage_External ? "ext" : "int");
    clang_disposeString(s);
}

static enum CXChildVisitResult top(CXCursor c, CXCursor parent, CXClientData data)
{
    (void)parent;
    (void)data;
    enum CXCursorKind kind = clang_getCursorKind(c);
    if (kind == CXCursor_MacroExpansion) {
        struct loc l = loc_of(clang_getCursorLocation(c));
        if (!l.file || !l.file->rel)
            return CXChildVisit_Continue;
        CXCursor def = clang_getCursorReferenced(c);
        if (clang_Cursor_isNull(def))
            return CXChildVisit_Continue;
        struct loc d = loc_of(clang_getCursorLocation(def));
        if (!d.file || !d.file->rel)
            return CXChildVisit_Continue;
        if (exps_len == exps_cap) {
            exps_cap = exps_cap ? exps_cap * 2 : 4096;
            exps = realloc(exps, exps_cap * sizeof *exps);
        }
        CXString s = clang_getCursorSpelling(c);
        struct expansion e = { l.file, l.offset, l.line, strdup(clang_getCString(s)), d.file->rel, d.line,
                               written_at(l, clang_getCString(s)) };
        clang_disposeString(s);
        exps[exps_len++] = e;
        return CXChildVisit_Continue;
    }
    if (kind != CXCursor_FunctionDecl && kind != CXCursor_VarDecl)
        return CXChildVisit_Continue;
    struct loc l = loc_of(clang_getCursorLocation(c));
    if (!l.file || !l.file->rel || !clang_isCursorDefinition(c))
        return CXChildVisit_Continue;
    if (kind == CXCursor_VarDecl) {
        definition(c, "global", l);
        return CXChildVisit_Continue;
    }
    definition(c, "function", l);
    CXString s = clang_getCursorSpelling(c);
    struct user u = { l.file->rel, l.line, strdup(clang_getCString(s)), 0 };
    clang_disposeString(s);
    u.by_macro = !written_at(l, u.name);
    clang_visitChildren(c, in_function, &u);
    CXSourceRange r = clang_getCursorExtent(c);
    struct loc a = loc_of(clang_getRangeStart(r)), b = loc_of(clang_getRangeEnd(r));
    if (a.file == l.file && b.file == l.file) {
        if (spans_len == spans_cap) {
            spans_cap = spans_cap ? spans_cap * 2 : 4096;
            spans = realloc(spans, spans_cap * sizeof *spans);
        }
        struct span sp = { l.file, a.offset, b.offset, u };
        spans[spans_len++] = sp;
    }
    return CXChildVisit_Continue;
}

static int span_cmp(const void *x, const void *y)
{
    const struct span *a = x, *b = y;
    if (a->file != b->file)
        return a->file < b->file ? -1 : 1;
    return a->start < b->start ? -1 : a->start > b->start;
}

static void match_expansions(void)
{
    qsort(spans, spans_len, sizeof *spans, span_cmp);
    for (size_t i = 0; i < exps_len; i++) {
        struct expansion *e = &exps[i];
        /* last span of the file starting at or before the expansion */
        size_t lo = 0, hi = spans_len;
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            struct span *s = &spans[mid];
            if (s->file < e->file || (s->file == e->file && s->start <= e->offset))
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo > 0) {
            struct span *s = &spans[lo - 1];
            if (s->file == e->file && e->offset <= s->end)
                emit("E\t%s\t%u\t%s\t%s\t%s\tmacro\t%s\t%u\td%s\t%u\n", s->user.file, s->user.line,
                     s->user.name, s->user.by_macro ? "m" : "-", e->name, e->def_file,
                     e->def_line, e->literal ? "" : "m", e->line);
        }
        free(e->name);
    }
    for (size_t i = 0; i < spans_len; i++)
        free(spans[i].user.name);
    exps_len = spans_len = 0;
}

static void inclusion(CXFile f, CXSourceLocation *stack, unsigned depth, CXClientData data)
{
    (void)stack;
    (void)depth;
    (void)data;
    struct file_entry *e = file_of(f);
    if (e && e->rel)
        emit("I\t%s\n", e->rel);
}

static void skipped(void)
{
    CXSourceRangeList *list = clang_getAllSkippedRanges(tu);
    for (unsigned i = 0; list && i < list->count; i++) {
        struct loc a = loc_of(clang_getRangeStart(list->ranges[i]));
        struct loc b = loc_of(clang_getRangeEnd(list->ranges[i]));
        if (a.file && a.file->rel)
            emit("S\t%s\t%u\t%u\n", a.file->rel, a.line, b.line);
    }
    clang_disposeSourceRangeList(list);
}

static char *read_line(FILE *f)
{
    char *line = NULL;
    size_t n = 0;
    ssize_t len = getline(&line, &n, f);
    if (len < 0) {
        free(line);
        return NULL;
    }
    if (len && line[len - 1] == '\n')
        line[len - 1] = 0;
    return line;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: extract <src dir> <build dir> <units file>\n");
        return 2;
    }
    if (!realpath(argv[1], src_root) || !realpath(argv[2], build_root)) {
        perror("realpath");
        return 2;
    }
    src_len = strlen(src_root);
    build_len = strlen(build_root);
    FILE *units = fopen(argv[3], "r");
    if (!units || chdir(build_root)) {
        perror(argv[3]);
        return 2;
    }
    CXIndex index = clang_createIndex(0, 0);
    char *source;
    while ((source = read_line(units))) {
        char *count = read_line(units);
        int n = atoi(count);
        free(count);
        char **args = calloc(n + 1, sizeof(char *));
        for (int i = 0; i < n; i++)
            args[i] = read_line(units);
        enum CXErrorCode err = clang_parseTranslationUnit2(
            index, source, (const char *const *)args, n, NULL, 0,
            CXTranslationUnit_DetailedPreprocessingRecord | CXTranslationUnit_KeepGoing, &tu);
        if (err != CXError_Success) {
            fprintf(stderr, "%s: libclang error %d\n", source, err);
        } else {
            unsigned errors = 0;
            for (unsigned i = 0, nd = clang_getNumDiagnostics(tu); i < nd; i++) {
                CXDiagnostic d = clang_getDiagnostic(tu, i);
                if (clang_getDiagnosticSeverity(d) >= CXDiagnostic_Error) {
                    if (errors++ < 3) {
                        CXString m = clang_formatDiagnostic(d, clang_defaultDiagnosticDisplayOptions());
                        fprintf(stderr, "%s\n", clang_getCString(m));
                        clang_disposeString(m);
                    }
                }
                clang_disposeDiagnostic(d);
            }
            clang_visitChildren(clang_getTranslationUnitCursor(tu), top, NULL);
            match_expansions();
            clang_getInclusions(tu, inclusion, NULL);
            skipped();
            struct file_entry *main_file = file_of(clang_getFile(tu, source));
            emit("U\t%s\t%u\n", main_file && main_file->rel ? main_file->rel : source, errors);
            clang_disposeTranslationUnit(tu);
        }
        for (size_t i = 0; i < files_len; i++)
            free(files[i].rel);
        files_len = 0;
        for (int i = 0; i < n; i++)
            free(args[i]);
        free(args);
        free(source);
        fflush(stdout);
    }
    clang_disposeIndex(index);
    return 0;
}
