using XcpTunnel.Configuration;

namespace XcpTunnel.Tests.Configuration;

internal static class ConfigAssert
{
    public static DaemonSettings Loaded(ConfigLoadResult result)
    {
        Assert.True(result.Succeeded, "unexpected errors:\n" + string.Join("\n", result.Errors));
        Assert.Empty(result.Errors);
        NoSecret(result);
        return result.Settings;
    }

    /// <summary>The load failed with exactly one error under <paramref name="key"/>; returns its message.</summary>
    public static string SingleError(ConfigLoadResult result, string key)
    {
        Assert.False(result.Succeeded);
        Assert.Null(result.Settings);
        var error = Assert.Single(result.Errors);
        Assert.Equal(key, error.Key);
        NoSecret(result);
        return error.Message;
    }

    public static void NoSecret(ConfigLoadResult result)
    {
        var texts = result.Errors.Select(e => e.ToString()).Concat(result.Warnings);
        Assert.DoesNotContain(texts, t => t.Contains(ConfigDirectory.Password, StringComparison.Ordinal));
        if (!result.Succeeded)
        {
            Assert.DoesNotContain(ConfigDirectory.Password, result.GetSettingsOrThrowMessage(), StringComparison.Ordinal);
        }
    }

    private static string GetSettingsOrThrowMessage(this ConfigLoadResult result) =>
        Assert.Throws<ConfigException>(() => result.GetSettingsOrThrow()).Message;
}
