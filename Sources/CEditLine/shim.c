#include "CEditLine.h"
#include <histedit.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static EditLine *el;
static History *hist;
static char prompt_text[256] = "> ";
static xe_completer completer;
static void *completer_context;
static volatile sig_atomic_t interrupted;

static char *prompt_fn(EditLine *e) { (void)e; return prompt_text; }

static void on_sigint(int sig) { (void)sig; interrupted = 1; }

void xe_install_sigint_handler(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0; /* no SA_RESTART: a blocked read returns EINTR, so el_gets gives up the line */
    sigaction(SIGINT, &sa, NULL);
}

int xe_take_interrupt(void) {
    int was = interrupted;
    interrupted = 0;
    return was;
}

int xe_interrupt_pending(void) { return interrupted; }

/* Tab: ask the completer, insert the common part, list the candidates when ambiguous. */
static unsigned char complete_fn(EditLine *e, int ch) {
    (void)ch;
    if (!completer) return CC_ERROR;
    const LineInfo *li = el_line(e);
    size_t n = (size_t)(li->cursor - li->buffer);
    char *upto = malloc(n + 1);
    if (!upto) return CC_ERROR;
    memcpy(upto, li->buffer, n);
    upto[n] = 0;
    char *answer = completer(completer_context, upto);
    free(upto);
    if (!answer) return CC_ERROR;
    char *nl = strchr(answer, '\n');
    if (nl) *nl = 0;
    unsigned char result = CC_REFRESH;
    if (answer[0]) el_insertstr(e, answer);
    if (nl && nl[1]) {
        /* Several candidates: print them under the prompt, then redraw the line. */
        fputc('\n', stdout);
        char *item = nl + 1;
        int col = 0;
        while (item && *item) {
            char *next = strchr(item, '\n');
            if (next) *next = 0;
            int len = (int)strlen(item);
            if (col + len + 2 > 78 && col > 0) { fputc('\n', stdout); col = 0; }
            fprintf(stdout, "%s  ", item);
            col += len + 2;
            item = next ? next + 1 : NULL;
        }
        fputc('\n', stdout);
        fflush(stdout);
        result = CC_REDISPLAY;
    } else if (!answer[0]) {
        result = CC_ERROR;
    }
    free(answer);
    return result;
}

int xe_open(const char *program_name) {
    el = el_init(program_name, stdin, stdout, stderr);
    if (!el) return -1;
    hist = history_init();
    if (hist) {
        HistEvent ev;
        history(hist, &ev, H_SETSIZE, 1000);
        history(hist, &ev, H_SETUNIQUE, 1);
        el_set(el, EL_HIST, history, hist);
    }
    el_set(el, EL_EDITOR, "emacs");
    el_set(el, EL_PROMPT, prompt_fn);
    el_set(el, EL_ADDFN, "xai-complete", "Complete names", complete_fn);
    el_set(el, EL_BIND, "^I", "xai-complete", NULL);
    /* Read ~/.editrc like other libedit programs. */
    el_source(el, NULL);
    return 0;
}

void xe_close(void) {
    if (el) { el_end(el); el = NULL; }
    if (hist) { history_end(hist); hist = NULL; }
}

void xe_set_prompt(const char *prompt) {
    strncpy(prompt_text, prompt, sizeof prompt_text - 1);
    prompt_text[sizeof prompt_text - 1] = 0;
}

const char *xe_gets(void) {
    if (!el) return NULL;
    int count = 0;
    const char *line = el_gets(el, &count);
    if (!line || count <= 0) return NULL;
    return line;
}

void xe_history_enter(const char *line) {
    if (!hist) return;
    HistEvent ev;
    history(hist, &ev, H_ENTER, line);
}

void xe_set_completer(xe_completer fn, void *context) {
    completer = fn;
    completer_context = context;
}
