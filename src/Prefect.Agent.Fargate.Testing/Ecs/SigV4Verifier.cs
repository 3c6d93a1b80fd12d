using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Prefect.Agent.Fargate.Testing.Ecs;

/// <summary>
/// Verifies AWS Signature Version 4 headers independently of the AWS SDK (its own canonical request, string to sign
/// and signing key), answering as AWS does when a signature is missing or wrong.
/// </summary>
internal static class SigV4Verifier
{
    public const string Algorithm = "AWS4-HMAC-SHA256";

    /// <summary>Verifies a request.</summary>
    /// <param name="method">The HTTP method.</param>
    /// <param name="path">The path (e.g. <c>/</c>).</param>
    /// <param name="query">The query string without <c>?</c>.</param>
    /// <param name="headers">The request headers (any case).</param>
    /// <param name="body">The body.</param>
    /// <param name="secretFor">Gives the secret of an access key id, or <see langword="null"/> when the key is unknown.</param>
    /// <param name="region">The region the fake serves.</param>
    /// <param name="service">The signing name of the addressed service.</param>
    /// <returns>The result.</returns>
    public static SigV4Result Verify(
        string method,
        string path,
        string query,
        IReadOnlyDictionary<string, string> headers,
        ReadOnlySpan<byte> body,
        Func<string, string?> secretFor,
        string region,
        string service)
    {
        if (!headers.TryGetValue("authorization", out var authorization) || string.IsNullOrWhiteSpace(authorization))
        {
            return SigV4Result.Fail(400, "MissingAuthenticationTokenException", "Missing Authentication Token");
        }

        if (!authorization.StartsWith(Algorithm + " ", StringComparison.Ordinal))
        {
            return SigV4Result.Fail(400, "IncompleteSignatureException", $"Unsupported authorization type; only {Algorithm} is accepted.");
        }

        var parts = authorization[(Algorithm.Length + 1)..].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .Where(p => p.Length == 2)
            .ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);
        if (!parts.TryGetValue("Credential", out var credential) || !parts.TryGetValue("SignedHeaders", out var signedHeaders)
            || !parts.TryGetValue("Signature", out var signature))
        {
            return SigV4Result.Fail(400, "IncompleteSignatureException", "Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters.");
        }

        var scope = credential.Split('/');
        if (scope.Length != 5 || scope[4] != "aws4_request")
        {
            return SigV4Result.Fail(400, "IncompleteSignatureException", $"Credential '{credential}' is not of the form <key>/<date>/<region>/<service>/aws4_request.");
        }

        var (accessKeyId, date, scopeRegion, scopeService) = (scope[0], scope[1], scope[2], scope[3]);
        var secret = secretFor(accessKeyId);
        if (secret is null)
        {
            return SigV4Result.Fail(400, "UnrecognizedClientException", "The security token included in the request is invalid.", accessKeyId);
        }

        if (!headers.TryGetValue("x-amz-date", out var amzDate) || amzDate.Length < 8 || !amzDate.StartsWith(date, StringComparison.Ordinal))
        {
            return SigV4Result.Fail(400, "IncompleteSignatureException", "X-Amz-Date is missing or does not match the credential scope's date.", accessKeyId);
        }

        if (scopeRegion != region)
        {
            return SigV4Result.Fail(403, "InvalidSignatureException", $"Credential should be scoped to a valid region, not '{scopeRegion}'. ", accessKeyId);
        }

        if (scopeService != service)
        {
            return SigV4Result.Fail(403, "InvalidSignatureException", $"Credential should be scoped to correct service: '{service}'. ", accessKeyId);
        }

        var signedNames = signedHeaders.Split(';');
        if (!signedNames.Contains("host", StringComparer.Ordinal))
        {
            return SigV4Result.Fail(403, "InvalidSignatureException", "'Host' must be a signed header.", accessKeyId);
        }

        foreach (var name in signedNames)
        {
            if (!headers.ContainsKey(name))
            {
                return SigV4Result.Fail(403, "InvalidSignatureException", $"Signed header '{name}' is missing from the request.", accessKeyId);
            }
        }

        var payloadHash = Hex(SHA256.HashData(body));
        if (headers.TryGetValue("x-amz-content-sha256", out var declaredHash) && declaredHash != payloadHash && declaredHash != "UNSIGNED-PAYLOAD")
        {
            return SigV4Result.Fail(400, "InvalidSignatureException", "The provided 'x-amz-content-sha256' header does not match what was computed.", accessKeyId);
        }

        var canonicalRequest = CanonicalRequest(method, path, query, signedNames, headers, payloadHash);
        var expected = ComputeSignature(secret, amzDate, date, scopeRegion, scopeService, canonicalRequest);
        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(signature)))
        {
            return SigV4Result.Fail(
                403,
                "InvalidSignatureException",
                "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
                accessKeyId);
        }

        return new SigV4Result(true, 200, null, null, accessKeyId);
    }

    /// <summary>Builds the canonical request.</summary>
    /// <param name="method">The method.</param>
    /// <param name="path">The path.</param>
    /// <param name="query">The query string.</param>
    /// <param name="signedHeaders">The signed header names, lower case, in order.</param>
    /// <param name="headers">The headers.</param>
    /// <param name="payloadHash">The hex SHA-256 of the body.</param>
    /// <returns>The canonical request.</returns>
    public static string CanonicalRequest(string method, string path, string query, IReadOnlyList<string> signedHeaders, IReadOnlyDictionary<string, string> headers, string payloadHash)
    {
        var builder = new StringBuilder();
        builder.Append(method).Append('\n');
        builder.Append(CanonicalPath(path)).Append('\n');
        builder.Append(CanonicalQuery(query)).Append('\n');
        foreach (var name in signedHeaders)
        {
            builder.Append(name).Append(':').Append(CanonicalHeaderValue(headers[name])).Append('\n');
        }

        builder.Append('\n').Append(string.Join(';', signedHeaders)).Append('\n').Append(payloadHash);
        return builder.ToString();
    }

    /// <summary>Computes the signature of a canonical request.</summary>
    /// <param name="secretAccessKey">The secret key.</param>
    /// <param name="amzDate">The <c>X-Amz-Date</c> value.</param>
    /// <param name="date">The scope date (<c>yyyyMMdd</c>).</param>
    /// <param name="region">The scope region.</param>
    /// <param name="service">The scope service.</param>
    /// <param name="canonicalRequest">The canonical request.</param>
    /// <returns>The hex signature.</returns>
    public static string ComputeSignature(string secretAccessKey, string amzDate, string date, string region, string service, string canonicalRequest)
    {
        var scope = $"{date}/{region}/{service}/aws4_request";
        var stringToSign = $"{Algorithm}\n{amzDate}\n{scope}\n{Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest)))}";
        var key = Hmac(Encoding.UTF8.GetBytes("AWS4" + secretAccessKey), date);
        key = Hmac(key, region);
        key = Hmac(key, service);
        key = Hmac(key, "aws4_request");
        return Hex(Hmac(key, stringToSign));
    }

    private static byte[] Hmac(byte[] key, string data) => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(data));

    private static string Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexString(bytes).ToLowerInvariant();

    private static string CanonicalHeaderValue(string value) => string.Join(' ', value.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries));

    private static string CanonicalPath(string path)
    {
        if (string.IsNullOrEmpty(path))
        {
            return "/";
        }

        return string.Join('/', path.Split('/').Select(s => Uri.EscapeDataString(Uri.UnescapeDataString(s))));
    }

    private static string CanonicalQuery(string query)
    {
        if (string.IsNullOrEmpty(query))
        {
            return string.Empty;
        }

        return string.Join('&', query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .Select(p => (Key: Uri.EscapeDataString(Uri.UnescapeDataString(p[0])), Value: Uri.EscapeDataString(Uri.UnescapeDataString(p.Length > 1 ? p[1] : string.Empty))))
            .OrderBy(p => p.Key, StringComparer.Ordinal).ThenBy(p => p.Value, StringComparer.Ordinal)
            .Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Key}={p.Value}")));
    }
}
