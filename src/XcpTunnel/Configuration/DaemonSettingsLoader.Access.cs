using System.Globalization;
using Microsoft.Extensions.Configuration;
using XcpTunnel.Access;
using XcpTunnel.Protocol.Rfb.Server;

namespace XcpTunnel.Configuration;

internal static partial class DaemonSettingsLoader
{
    /// <summary>
    /// An allow list as written under <paramref name="key"/>: null when unset (the default applies); every unknown
    /// user or group is an error, since a typo would otherwise lock people out, or a missing group let nobody in
    /// without a word.
    /// </summary>
    private static AllowList? ReadAllowList(List<string?>? entries, string key, ConfigLoadOptions options, ConfigDiagnostics diagnostics)
    {
        if (entries is null)
        {
            return null;
        }

        var list = AllowList.Parse([.. entries.Select(e => e ?? string.Empty)], options.Users, out var errors);
        foreach (var error in errors)
        {
            diagnostics.Error(key, error);
        }

        return list;
    }

    /// <summary>What viewers of tunnel <paramref name="name"/> must do: a VNC password, VeNCrypt, both or neither.</summary>
    private static RfbViewerSecurity? ReadViewerSecurity(
        string name, string key, TunnelSection section, string baseDirectory, IReadOnlyDictionary<string, string?> environment, ConfigDiagnostics diagnostics)
    {
        var passwordFile = FullPath(section.VncPasswordFile, baseDirectory);
        var password = VncPasswordSources.Resolve(name, key, passwordFile, environment, diagnostics, out var passwordValid);
        if (!passwordValid)
        {
            return null;
        }

        if (section.ViewerTls is not { } tls)
        {
            return password is null ? RfbViewerSecurity.None : RfbViewerSecurity.VncAuthentication(password);
        }

        var tlsKey = ConfigurationPath.Combine(key, nameof(TunnelSection.ViewerTls));
        var certificate = ViewerCertificate.Load(
            FullPath(tls.CertificateFile, baseDirectory), FullPath(tls.KeyFile, baseDirectory), tlsKey, diagnostics);
        return certificate is null ? null : RfbViewerSecurity.VeNCrypt(certificate.Value.Certificate, certificate.Value.Chain, password);
    }

    /// <summary><c>SocketMode</c> and <c>SocketGroup</c>, which only a <c>unix:</c> listener has.</summary>
    private static UnixSocketSettings? ReadUnixSocket(
        TunnelSection section, bool isUnix, string key, ConfigLoadOptions options, ConfigDiagnostics diagnostics, out bool valid)
    {
        valid = true;
        var modeKey = ConfigurationPath.Combine(key, nameof(TunnelSection.SocketMode));
        var groupKey = ConfigurationPath.Combine(key, nameof(TunnelSection.SocketGroup));
        if (!isUnix)
        {
            foreach (var (text, setting) in new[] { (section.SocketMode, modeKey), (section.SocketGroup, groupKey) })
            {
                if (ConfigValues.IsSet(text))
                {
                    diagnostics.Error(setting, "only a unix: Listen address has a socket file");
                    valid = false;
                }
            }

            return null;
        }

        var mode = UnixSocketSettings.DefaultMode;
        if (ConfigValues.IsSet(section.SocketMode))
        {
            var text = section.SocketMode.Trim();
            if (text.Length is < 3 or > 4 || !text.All(c => c is >= '0' and <= '7')
                || !int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out _))
            {
                diagnostics.Error(modeKey, $"'{text}' is not an octal mode such as 0660");
                valid = false;
            }
            else
            {
                mode = (UnixFileMode)Convert.ToInt32(text, 8) & UnixSocketSettings.DefaultMode;
            }
        }

        int? gid = null;
        string? group = null;
        if (ConfigValues.IsSet(section.SocketGroup))
        {
            group = section.SocketGroup.Trim();
            gid = options.Users.FindGroupId(group);
            if (gid is null)
            {
                diagnostics.Error(groupKey, $"no group named '{group}'");
                valid = false;
            }
        }

        return new UnixSocketSettings(mode, gid, group);
    }

    /// <summary>The tunnels every local account may open (<paramref name="open"/>): the warning a daemon without allow lists starts with.</summary>
    private static void WarnOpenTunnels(IReadOnlyList<string> open, ConfigDiagnostics diagnostics)
    {
        if (open.Count > 0)
        {
            diagnostics.Warn(
                $"tunnel(s) {string.Join(", ", open)} have no AllowUsers and there is no Access:AllowUsers: every local account may open "
                + "their consoles; list the users or @groups who may");
        }
    }
}
