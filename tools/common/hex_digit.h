/*
 * hex_digit.h - sl_hex_digit, the value of one hexadecimal digit, for the
 * tools: the one definition is the library's private lib/hex_digit.h
 * (libsluice_remote decodes URL escapes with it too), found here by its
 * place beside this file, with no include path of lib/ given to the tools.
 */
#ifndef SLUICE_TOOL_HEX_DIGIT_H
#define SLUICE_TOOL_HEX_DIGIT_H

#include "../../lib/hex_digit.h"

#endif
