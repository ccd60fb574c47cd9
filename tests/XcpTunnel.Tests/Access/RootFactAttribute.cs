namespace XcpTunnel.Tests.Access;

/// <summary>
/// A fact that needs root, because it creates users. A non-root run outside CI skips it; under CI=true
/// it runs and fails, so CI never passes by skipping.
/// </summary>
public sealed class RootFactAttribute : FactAttribute
{
    public RootFactAttribute()
    {
        Skip = RootOnly.SkipReason;
    }
}

/// <summary>A theory that needs root: see <see cref="RootFactAttribute"/>.</summary>
public sealed class RootTheoryAttribute : TheoryAttribute
{
    public RootTheoryAttribute()
    {
        Skip = RootOnly.SkipReason;
    }
}

internal static class RootOnly
{
    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public static string? SkipReason =>
        Environment.IsPrivilegedProcess || IsCi ? null : "needs root to create users with useradd (runs, and fails, under CI=true)";
}
