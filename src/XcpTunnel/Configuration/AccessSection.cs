namespace XcpTunnel.Configuration;

/// <summary>The <c>Access</c> section, as written: the daemon's defaults for who may open consoles.</summary>
internal sealed class AccessSection
{
    public static readonly IReadOnlyList<string> Keys = [nameof(AllowUsers)];

    /// <summary>User names and <c>@group</c>s that may open every tunnel without an <c>AllowUsers</c> of its own.</summary>
    public List<string?>? AllowUsers { get; set; }
}
