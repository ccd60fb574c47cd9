using Microsoft.Extensions.Logging;
using XcpTunnel.Configuration;

namespace XcpTunnel.Tests.Configuration;

public sealed class ConfigLogTests : IDisposable
{
    private readonly ConfigDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void LogLoaded_LogsTheSummaryAndEveryWarning()
    {
        var config = ConfigDirectory.Sample();
        ConfigDirectory.Lab(config).Remove("TlsFingerprint");
        ConfigDirectory.Lab(config)["Insecure"] = true;
        var settings = ConfigAssert.Loaded(_dir.Load(config));
        var logger = new RecordingLogger();

        ConfigLog.LogLoaded(logger, _dir.ConfigPath, settings);

        Assert.Equal(
            [
                (LogLevel.Information, $"Configuration {_dir.ConfigPath}: 1 pool(s), 2 tunnel(s)"),
                (LogLevel.Warning, $"Configuration {_dir.ConfigPath}: pool lab: TLS verification is OFF (Insecure: true)"),
            ],
            logger.Entries);
    }

    private sealed class RecordingLogger : ILogger
    {
        public List<(LogLevel Level, string Message)> Entries { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Entries.Add((logLevel, formatter(state, exception)));
    }
}
