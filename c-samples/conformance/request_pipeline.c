/* What a small server does to a request without touching the network:
 * split a raw HTTP/1.1 request into request line, headers and body, decode
 * percent-encoded query parameters, base64-decode a Basic auth header, parse
 * and print IPv4/IPv6 addresses (inet_pton/inet_ntop, byte order helpers),
 * compute a CRC-32 and FNV hash of the body, escape JSON and assemble the
 * response with snprintf, all checked by printing every intermediate. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char raw[] =
    "POST /api/v1/items?name=caf%C3%A9+au+lait&qty=3&note=a%26b%3Dc&empty=&flag HTTP/1.1\r\n"
    "Host: example.test:8080\r\n"
    "User-Agent: conformance/1.0\r\n"
    "Authorization: Basic YWxhZGRpbjpvcGVuc2VzYW1l\r\n"
    "Content-Type: application/json\r\n"
    "X-Forwarded-For: 203.0.113.195, 2001:db8:85a3::8a2e:370:7334\r\n"
    "Content-Length: 45\r\n"
    "\r\n"
    "{\"item\":\"tea\",\"price\":4.5,\"tags\":[\"hot\",\"x\"]}";

static int hexval(int c) { return isdigit(c) ? c - '0' : tolower(c) - 'a' + 10; }

static size_t url_decode(const char *in, size_t n, char *out)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (in[i] == '+')
            out[o++] = ' ';
        else if (in[i] == '%' && i + 2 < n && isxdigit((unsigned char)in[i + 1]) && isxdigit((unsigned char)in[i + 2])) {
            out[o++] = (char)(hexval(in[i + 1]) * 16 + hexval(in[i + 2]));
            i += 2;
        } else
            out[o++] = in[i];
    }
    out[o] = 0;
    return o;
}

static int b64val(int c)
{
    const char *alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const char *p = c ? strchr(alphabet, c) : NULL;
    return p ? (int)(p - alphabet) : -1;
}

static int base64_decode(const char *in, unsigned char *out)
{
    int n = 0, bits = 0;
    uint32_t acc = 0;
    for (; *in && *in != '='; in++) {
        int v = b64val(*in);
        if (v < 0)
            return -1;
        acc = (acc << 6) | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[n++] = (unsigned char)(acc >> bits);
        }
    }
    out[n] = 0;
    return n;
}

static void base64_encode(const unsigned char *in, size_t n, char *out)
{
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t o = 0;
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)in[i] << 16 | (i + 1 < n ? (uint32_t)in[i + 1] << 8 : 0) | (i + 2 < n ? in[i + 2] : 0);
        out[o++] = alphabet[v >> 18];
        out[o++] = alphabet[(v >> 12) & 63];
        out[o++] = i + 1 < n ? alphabet[(v >> 6) & 63] : '=';
        out[o++] = i + 2 < n ? alphabet[v & 63] : '=';
    }
    out[o] = 0;
}

static uint32_t crc32(const unsigned char *p, size_t n)
{
    uint32_t c = 0xffffffffu;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++)
            c = c & 1 ? (c >> 1) ^ 0xedb88320u : c >> 1;
    }
    return ~c;
}

static void json_escape(const char *in, char *out)
{
    for (; *in; in++) {
        unsigned char c = (unsigned char)*in;
        if (c == '"' || c == '\\')
            out += sprintf(out, "\\%c", c);
        else if (c < 0x20)
            out += sprintf(out, "\\u%04x", c);
        else
            *out++ = (char)c;
    }
    *out = 0;
}

int main(void)
{
    char req[sizeof raw];
    memcpy(req, raw, sizeof raw);
    char *body = strstr(req, "\r\n\r\n");
    *body = 0;
    body += 4;
    char *save;
    char *line = strtok_r(req, "\r\n", &save);
    char method[8], target[256], version[16];
    if (sscanf(line, "%7s %255s %15s", method, target, version) != 3)
        return 1;
    printf("method %s version %s target %s\n", method, version, target);
    char *query = strchr(target, '?');
    *query++ = 0;
    printf("path %s\n", target);
    char *qsave;
    for (char *pair = strtok_r(query, "&", &qsave); pair; pair = strtok_r(NULL, "&", &qsave)) {
        char *eq = strchr(pair, '=');
        char key[64], value[128];
        url_decode(pair, eq ? (size_t)(eq - pair) : strlen(pair), key);
        size_t vlen = eq ? url_decode(eq + 1, strlen(eq + 1), value) : 0;
        if (!eq)
            value[0] = 0;
        printf("param \"%s\" = \"%s\" (%zu bytes)%s\n", key, value, vlen, eq ? "" : " [no '=']");
    }
    long content_length = -1;
    for (char *h = strtok_r(NULL, "\r\n", &save); h; h = strtok_r(NULL, "\r\n", &save)) {
        char *colon = strchr(h, ':');
        *colon = 0;
        char *value = colon + 1;
        while (*value == ' ')
            value++;
        printf("header [%s] = [%s]\n", h, value);
        if (strcasecmp(h, "content-length") == 0)
            content_length = strtol(value, NULL, 10);
        if (strcasecmp(h, "authorization") == 0 && strncmp(value, "Basic ", 6) == 0) {
            unsigned char decoded[64];
            int n = base64_decode(value + 6, decoded);
            char again[96];
            base64_encode(decoded, (size_t)n, again);
            printf("  basic auth decodes to \"%s\" (%d bytes), re-encodes equal %d\n", decoded, n, strcmp(again, value + 6) == 0);
        }
        if (strcasecmp(h, "x-forwarded-for") == 0) {
            char *asave;
            for (char *a = strtok_r(value, ", ", &asave); a; a = strtok_r(NULL, ", ", &asave)) {
                unsigned char bin[16];
                char text[INET6_ADDRSTRLEN];
                int family = strchr(a, ':') ? AF_INET6 : AF_INET;
                int ok = inet_pton(family, a, bin);
                inet_ntop(family, bin, text, sizeof text);
                printf("  address %s: family %s ok %d canonical %s bytes", a, family == AF_INET ? "inet" : "inet6", ok, text);
                for (int i = 0; i < (family == AF_INET ? 4 : 16); i++)
                    printf(" %02x", bin[i]);
                printf("\n");
            }
        }
    }
    printf("body length %zu content-length %ld match %d\n", strlen(body), content_length, (long)strlen(body) == content_length);
    printf("crc32 %08x\n", crc32((const unsigned char *)body, strlen(body)));
    uint64_t fnv = 1469598103934665603ULL;
    for (const char *p = body; *p; p++)
        fnv = (fnv ^ (unsigned char)*p) * 1099511628211ULL;
    printf("fnv1a64 %016llx\n", (unsigned long long)fnv);
    printf("htons(8080) %04x htonl(0x01020304) %08x ntohs(0x901f) %u inet_addr %08x bad inet_pton %d\n", htons(8080),
           htonl(0x01020304u), ntohs(0x901f), (unsigned)inet_addr("10.1.2.3"), inet_pton(AF_INET, "256.1.1.1", &(struct in_addr){0}));
    char escaped[256], response[512];
    json_escape("quote \" backslash \\ tab \t newline \n bell \a", escaped);
    int header_len = snprintf(response, sizeof response,
                              "HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n\r\n",
                              strlen(escaped) + 11);
    int total = header_len + snprintf(response + header_len, sizeof response - header_len, "{\"echo\":\"%s\"}", escaped);
    printf("response (%d bytes):\n%s\n", total, response);
    return 0;
}
