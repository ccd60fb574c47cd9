using Microsoft.Extensions.Logging;

namespace XcpTunnel.Configuration;

/// <summary>Configuration log events (EventIds 2000–2099).</summary>
internal static partial class ConfigLog
{
    [LoggerMessage(EventId = 2000, Level = LogLevel.Information, Message = "Configuration {Path}: {Pools} pool(s), {Tunnels} tunnel(s)")]
    public static partial void Loaded(ILogger logger, string path, int pools, int tunnels);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning, Message = "Configuration {Path}: {Warning}")]
    public static partial void Warning(ILogger logger, string path, string warning);

    /// <summary>Logs what was loaded and every warning; the daemon does this at every start and reload.</summary>
    public static void LogLoaded(ILogger logger, string path, DaemonSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        Loaded(logger, path, settings.Pools.Count, settings.Tunnels.Count);
        foreach (var warning in settings.Warnings)
        {
            Warning(logger, path, warning);
        }
    }
}
