/* Test aid for running ykt.exe under Wine 8 (Debian 12), which lacks bcryptprimitives.dll:
 * Go >= 1.22 takes its random numbers from ProcessPrng there, as on every Windows 10/11.
 * scripts/smoke-dist.sh compiles this into the throw-away Wine prefix only; it is never
 * installed on a real Windows, which has the DLL. ProcessPrng draws from RtlGenRandom. */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length); /* RtlGenRandom, advapi32 */

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
    while (len > 0) {
        ULONG n = len > 0x10000000 ? 0x10000000 : (ULONG)len;
        if (!SystemFunction036(data, n))
            return FALSE;
        data += n;
        len -= n;
    }
    return TRUE;
}
