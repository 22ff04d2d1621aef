// OpenSSL's libcrypto (Debian: libssl-dev), which libcurl already loads: the carried files' SHA-256 and HMAC on the
// village side, where swift-crypto (a server package, BoringSSL compiled from source) is not built. Only the
// one-shot calls OpenSSL 3 keeps undeprecated.
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
