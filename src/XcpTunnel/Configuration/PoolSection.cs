namespace XcpTunnel.Configuration;

/// <summary>One entry of <c>Pools</c>, as written.</summary>
internal sealed class PoolSection
{
    public static readonly IReadOnlyList<string> Keys =
        [nameof(Url), nameof(FallbackUrls), nameof(Username), nameof(PasswordFile), nameof(TlsFingerprint), nameof(CaFile), nameof(Insecure), nameof(Transport), nameof(AutoTunnels)];

    public string? Url { get; set; }

    public List<string?>? FallbackUrls { get; set; }

    public string? Username { get; set; }

    public string? PasswordFile { get; set; }

    /// <summary>One pin, or several separated by commas or white space.</summary>
    public string? TlsFingerprint { get; set; }

    public string? CaFile { get; set; }

    public string? Insecure { get; set; }

    /// <summary><c>auto</c>, <c>jsonrpc</c> or <c>xmlrpc</c>, any case.</summary>
    public string? Transport { get; set; }

    /// <summary>A tunnel for every VM that matches, generated and kept in step with the pool.</summary>
    public AutoTunnelsSection? AutoTunnels { get; set; }
}
