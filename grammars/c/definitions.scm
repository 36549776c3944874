; Definitions: one capture per construct that can define a file- or global-scope symbol.
; Which of them really stand at file scope (and not inside a function body) is decided in
; src/lang/extract/ by walking parents; names behind declarators are found there as well,
; because a declarator can nest pointers, arrays, attributes and parentheses to any depth.

(function_definition) @definition.function

; Prototypes, global and extern variables, function-pointer variables.
(declaration) @definition.declaration

(type_definition) @definition.typedef

(preproc_def name: (identifier) @name) @definition.macro
(preproc_function_def name: (identifier) @name) @definition.function_macro

(struct_specifier name: (type_identifier) @name body: (field_declaration_list)) @definition.struct
(union_specifier name: (type_identifier) @name body: (field_declaration_list)) @definition.union
(enum_specifier name: (type_identifier) @name body: (enumerator_list)) @definition.enum
(enumerator name: (identifier) @name) @definition.enum_constant

(preproc_include path: (_) @include.path) @include
