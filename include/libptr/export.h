/**
 * \file libptr/export.h
 * \brief Export macro for the public API.
 *
 * Every public declaration carries PTR_API. The library is built with hidden
 * visibility, so only what carries it (and what the linker version script
 * names) is exported. Define PTR_STATICLIB when linking the static library on
 * Windows; the build defines PTR_BUILDING_LIBRARY itself.
 */
#ifndef LIBPTR_EXPORT_H
#define LIBPTR_EXPORT_H

#if defined(_WIN32) || defined(__CYGWIN__)
#  if defined(PTR_STATICLIB)
#    define PTR_API
#  elif defined(PTR_BUILDING_LIBRARY)
#    define PTR_API __declspec(dllexport)
#  else
#    define PTR_API __declspec(dllimport)
#  endif
#elif defined(__GNUC__) && __GNUC__ >= 4
#  define PTR_API __attribute__((visibility("default")))
#else
#  define PTR_API
#endif

#ifdef __cplusplus
#  define PTR_BEGIN_DECLS extern "C" {
#  define PTR_END_DECLS }
#else
#  define PTR_BEGIN_DECLS
#  define PTR_END_DECLS
#endif

#endif /* LIBPTR_EXPORT_H */
