#ifndef SECONDLINE_CLEPTONICA_SHIM_H
#define SECONDLINE_CLEPTONICA_SHIM_H
#include <leptonica/allheaders.h>
#endif
