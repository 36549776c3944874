; References: every name a definition uses. The extractor attributes each capture to the
; innermost definition whose span holds it, drops the definition's own name and names declared
; locally (parameters, local variables), and folds repeats.

(call_expression function: (identifier) @reference.call)
(identifier) @reference.identifier
(type_identifier) @reference.type
(struct_specifier name: (type_identifier) @reference.tag)
(union_specifier name: (type_identifier) @reference.tag)
(enum_specifier name: (type_identifier) @reference.tag)

; Macro replacement lists are not parsed by tree-sitter: their identifiers are mined lexically.
(preproc_arg) @reference.macro_body

; Parameters of function-like macros shadow globals in the replacement list.
(preproc_params (identifier) @local)

; Declarators of parameters and local declarations: names that shadow globals.
(parameter_declaration declarator: (_) @local)
(declaration declarator: (_) @local)
