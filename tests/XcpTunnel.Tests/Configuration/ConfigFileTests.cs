using System.Text;
using XcpTunnel.Configuration;

namespace XcpTunnel.Tests.Configuration;

/// <summary>What the loader says about a file that is not a readable UTF-8 configuration, and about numbers out of range.</summary>
public sealed class ConfigFileTests : IDisposable
{
    private readonly ConfigDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Latin1Bytes_AreAnErrorNamingTheByteAndItsOffset()
    {
        var text = ConfigDirectory.Sample().ToJsonString().Replace("kamal-CentOS-5.3x64", "pv-\u00e9text", StringComparison.Ordinal);
        var bytes = Encoding.Latin1.GetBytes(text);
        File.WriteAllBytes(_dir.ConfigPath, bytes);
        _dir.WriteFile("lab.password", ConfigDirectory.Password + "\n");

        var message = ConfigAssert.SingleError(_dir.LoadFile(), _dir.ConfigPath);

        var offset = Array.IndexOf(bytes, (byte)0xE9);
        Assert.Equal($"not UTF-8: byte 0xE9 at offset {offset} is not valid UTF-8; save the file as UTF-8", message);
    }

    [Fact]
    public void ADeviceWithNoEnd_IsRefusedOnceItPassesTheSizeLimit()
    {
        // /dev/zero has no length to look at first: the limit must hold while reading.
        var result = DaemonSettingsLoader.Load("/dev/zero", new Dictionary<string, string?>());

        Assert.Equal(
            $"larger than {ConfigurationSources.MaxFileBytes} bytes; is this the configuration file?",
            ConfigAssert.SingleError(result, "/dev/zero"));
    }

    [Theory]
    [InlineData("MaxConnections", "99999999999", "99999999999 is too large (at most 2147483647)")]
    [InlineData("IdleTimeoutSeconds", "99999999999", "99999999999 seconds is too long (at most 2592000, 30 days)")]
    [InlineData("IdleTimeoutSeconds", "4294968", "4294968 seconds is too long (at most 2592000, 30 days)")]
    [InlineData("ProbeIntervalSeconds", "2592001", "2592001 seconds is too long (at most 2592000, 30 days)")]
    [InlineData("MaxConnections", "ten", "'ten' is not a whole number")]
    public void Numbers_OutOfRangeOrNotNumbers_SayWhich(string key, string value, string message)
    {
        var config = ConfigDirectory.Sample();
        ConfigDirectory.Tunnel(config, "centos")[key] = value;

        Assert.Equal(message, ConfigAssert.SingleError(_dir.Load(config), "Tunnels:centos:" + key));
    }
}
