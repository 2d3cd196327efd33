#ifndef OMNISYNC_CCURL_SHIM_H
#define OMNISYNC_CCURL_SHIM_H
#include <curl/curl.h>
#endif
