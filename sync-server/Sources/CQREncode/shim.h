// libqrencode (Debian: libqrencode-dev), which draws the QR code on the declaration poster.
#include <qrencode.h>
