// Typed setters over libcurl's variadic curl_easy_setopt/curl_easy_getinfo,
// which Swift cannot call. Each wrapper fixes the argument type, so a wrong
// option/type pairing is a compile error in Swift rather than undefined
// behaviour in C.
#ifndef OMNISYNC_CURLSHIM_H
#define OMNISYNC_CURLSHIM_H

#include <curl/curl.h>

/// Receives response bytes; returns the number of bytes consumed (anything
/// else aborts the transfer with CURLE_WRITE_ERROR).
typedef size_t (*omnisync_curl_write_callback)(char *data, size_t size, size_t count, void *userdata);

CURLcode omnisync_curl_setopt_long(CURL *handle, CURLoption option, long value);
CURLcode omnisync_curl_setopt_off_t(CURL *handle, CURLoption option, curl_off_t value);
CURLcode omnisync_curl_setopt_string(CURL *handle, CURLoption option, const char *value);
CURLcode omnisync_curl_setopt_pointer(CURL *handle, CURLoption option, void *value);
CURLcode omnisync_curl_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value);
CURLcode omnisync_curl_setopt_write_callback(CURL *handle, omnisync_curl_write_callback callback, void *userdata);

CURLcode omnisync_curl_getinfo_long(CURL *handle, CURLINFO info, long *value);
CURLcode omnisync_curl_getinfo_double(CURL *handle, CURLINFO info, double *value);

#endif
