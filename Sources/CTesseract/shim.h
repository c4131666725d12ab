#ifndef SECONDLINE_CTESSERACT_SHIM_H
#define SECONDLINE_CTESSERACT_SHIM_H
#include <tesseract/capi.h>
#endif
