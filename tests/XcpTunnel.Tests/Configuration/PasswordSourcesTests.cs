using XcpTunnel.Configuration;

namespace XcpTunnel.Tests.Configuration;

public sealed class PasswordSourcesTests : IDisposable
{
    private const string FromFile = "from-file";
    private const string FromCredential = "from-credential";
    private const string FromEnvironment = "from-environment";

    private readonly ConfigDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void PasswordFile_IsRead_WithItsTrailingNewlineStripped()
    {
        var settings = ConfigAssert.Loaded(_dir.Load(ConfigDirectory.Sample()));

        Assert.Equal(ConfigDirectory.Password, settings.Pools["lab"].Password.Value);
    }

    [Theory]
    [InlineData("pw\n", "pw")]
    [InlineData("pw\r\n", "pw")]
    [InlineData("pw\n\n", "pw\n")]
    [InlineData("pw", "pw")]
    [InlineData(" pw \t", " pw \t")]
    public void PasswordFile_OnlyOneTrailingNewlineIsStripped(string content, string expected)
    {
        _dir.WriteFile("lab.password", content);

        var settings = ConfigAssert.Loaded(_dir.Load(ConfigDirectory.Sample(), writePassword: false));

        Assert.Equal(expected, settings.Pools["lab"].Password.Value);
    }

    [Fact]
    public void PasswordFile_AbsolutePath_IsUsedAsIs()
    {
        var path = _dir.WriteFile("elsewhere.secret", FromFile);
        var config = ConfigDirectory.Sample();
        ConfigDirectory.Lab(config)["PasswordFile"] = path;

        Assert.Equal(FromFile, ConfigAssert.Loaded(_dir.Load(config, writePassword: false)).Pools["lab"].Password.Value);
    }

    [Fact]
    public void PasswordFile_ComesBeforeCredentialAndEnvironment()
    {
        _dir.WriteFile("lab.password", FromFile);
        var environment = new Dictionary<string, string?>
        {
            ["CREDENTIALS_DIRECTORY"] = CredentialsWith(FromCredential),
            ["XCPTUNNEL_LAB_PASSWORD"] = FromEnvironment,
        };

        var settings = ConfigAssert.Loaded(_dir.Load(ConfigDirectory.Sample(), environment, writePassword: false));

        Assert.Equal(FromFile, settings.Pools["lab"].Password.Value);
    }

    [Fact]
    public void Credential_ComesBeforeEnvironment()
    {
        var config = WithoutPasswordFile();
        var environment = new Dictionary<string, string?>
        {
            ["CREDENTIALS_DIRECTORY"] = CredentialsWith(FromCredential + "\n"),
            ["XCPTUNNEL_LAB_PASSWORD"] = FromEnvironment,
        };

        var settings = ConfigAssert.Loaded(_dir.Load(config, environment, writePassword: false));

        Assert.Equal(FromCredential, settings.Pools["lab"].Password.Value);
    }

    [Fact]
    public void Environment_IsUsedWhenNoFileOrCredential()
    {
        var environment = new Dictionary<string, string?>
        {
            ["CREDENTIALS_DIRECTORY"] = Directory.CreateDirectory(Path.Combine(_dir.Root, "empty-credentials")).FullName,
            ["XCPTUNNEL_LAB_PASSWORD"] = FromEnvironment,
        };

        var settings = ConfigAssert.Loaded(_dir.Load(WithoutPasswordFile(), environment, writePassword: false));

        Assert.Equal(FromEnvironment, settings.Pools["lab"].Password.Value);
    }

    [Fact]
    public void Environment_PasswordVariableIsNotTakenForAConfigurationKey()
    {
        var environment = new Dictionary<string, string?> { ["XCPTUNNEL_LAB_PASSWORD"] = FromEnvironment };

        var result = _dir.Load(WithoutPasswordFile(), environment, writePassword: false);

        Assert.Empty(result.Errors);
    }

    [Theory]
    [InlineData("lab", "XCPTUNNEL_LAB_PASSWORD")]
    [InlineData("Lab-2", "XCPTUNNEL_LAB_2_PASSWORD")]
    [InlineData("eu.west_1", "XCPTUNNEL_EU_WEST_1_PASSWORD")]
    public void EnvironmentVariable_IsUpperCasedWithNonAlphanumericsAsUnderscores(string pool, string expected)
    {
        Assert.Equal(expected, PasswordSources.EnvironmentVariable(pool));
    }

    [Fact]
    public void NoSource_IsAnErrorNamingAllThree()
    {
        var message = ConfigAssert.SingleError(_dir.Load(WithoutPasswordFile(), writePassword: false), "Pools:lab");

        Assert.Equal("no password: set PasswordFile, a systemd credential 'lab.password', or XCPTUNNEL_LAB_PASSWORD", message);
    }

    [Fact]
    public void EmptyEnvironmentVariable_CountsAsNoSource()
    {
        var environment = new Dictionary<string, string?> { ["XCPTUNNEL_LAB_PASSWORD"] = "" };

        ConfigAssert.SingleError(_dir.Load(WithoutPasswordFile(), environment, writePassword: false), "Pools:lab");
    }

    [Fact]
    public void MissingPasswordFile_IsAnErrorAndDoesNotFallBack()
    {
        var environment = new Dictionary<string, string?> { ["XCPTUNNEL_LAB_PASSWORD"] = FromEnvironment };

        var message = ConfigAssert.SingleError(_dir.Load(ConfigDirectory.Sample(), environment, writePassword: false), "Pools:lab:PasswordFile");

        Assert.Equal($"{Path.Combine(_dir.Root, "lab.password")}: no such file", message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("\n")]
    public void EmptyPasswordFile_IsAnError(string content)
    {
        _dir.WriteFile("lab.password", content);

        var message = ConfigAssert.SingleError(_dir.Load(ConfigDirectory.Sample(), writePassword: false), "Pools:lab:PasswordFile");

        Assert.EndsWith("is empty", message);
    }

    [Fact]
    public void HugePasswordFile_IsAnError()
    {
        _dir.WriteFile("lab.password", new string('x', PasswordSources.MaxPasswordBytes + 1));

        ConfigAssert.SingleError(_dir.Load(ConfigDirectory.Sample(), writePassword: false), "Pools:lab:PasswordFile");
    }

    [Fact]
    public void PasswordFileReadableByOthers_IsAWarningWithTheFix()
    {
        var path = _dir.WriteFile("lab.password", ConfigDirectory.Password, (UnixFileMode)0b110_100_100);

        var result = _dir.Load(ConfigDirectory.Sample(), writePassword: false);

        var settings = ConfigAssert.Loaded(result);
        var warning = Assert.Single(settings.Warnings);
        Assert.Equal($"Pools:lab:PasswordFile: {path} is readable by group or others; run chmod 600 {path}", warning);
        Assert.Equal(settings.Warnings, result.Warnings);
    }

    [Fact]
    public void PasswordFileReadableByGroupOnly_IsAWarning()
    {
        _dir.WriteFile("lab.password", ConfigDirectory.Password, UnixFileMode.UserRead | UnixFileMode.GroupRead);

        Assert.Single(ConfigAssert.Loaded(_dir.Load(ConfigDirectory.Sample(), writePassword: false)).Warnings);
    }

    [Fact]
    public void Password_NeverAppearsInToStringOfTheOptions()
    {
        var settings = ConfigAssert.Loaded(_dir.Load(ConfigDirectory.Sample()));

        Assert.DoesNotContain(ConfigDirectory.Password, settings.Pools["lab"].ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(ConfigDirectory.Password, settings.ToString(), StringComparison.Ordinal);
    }

    private static System.Text.Json.Nodes.JsonObject WithoutPasswordFile()
    {
        var config = ConfigDirectory.Sample();
        ConfigDirectory.Lab(config).Remove("PasswordFile");
        return config;
    }

    private string CredentialsWith(string content)
    {
        var directory = Directory.CreateDirectory(Path.Combine(_dir.Root, "credentials")).FullName;
        var path = Path.Combine(directory, "lab.password");
        File.WriteAllText(path, content);
        File.SetUnixFileMode(path, UnixFileMode.UserRead);
        return directory;
    }
}
