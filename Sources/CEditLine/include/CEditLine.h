// A small non-variadic wrapper around libedit (el_set and history are C variadics, which
// Swift cannot call). One editor per process: the REPL has one prompt.
#ifndef CEDITLINE_H
#define CEDITLINE_H

/// Completion callback: given the line up to the cursor, returns a malloc'd string whose
/// first line is the text to insert at the cursor and whose further lines (if any) are
/// candidates to list below the prompt. NULL means nothing to complete.
typedef char *(*xe_completer)(void *context, const char *line_to_cursor);

/// Opens the editor on stdin/stdout with emacs bindings. Returns 0 on success.
int xe_open(const char *program_name);
void xe_close(void);
void xe_set_prompt(const char *prompt);
/// Reads one line (with its newline). NULL at end of input or on interrupt: see xe_take_interrupt.
const char *xe_gets(void);
void xe_history_enter(const char *line);
void xe_set_completer(xe_completer fn, void *context);

/// SIGINT handling: the handler only sets a flag (async-signal-safe). Reads and long
/// computations poll it at safe points.
void xe_install_sigint_handler(void);
/// Returns 1 and clears the flag if Ctrl-C was pressed since the last call.
int xe_take_interrupt(void);
/// Whether the flag is set, without clearing it.
int xe_interrupt_pending(void);

#endif
