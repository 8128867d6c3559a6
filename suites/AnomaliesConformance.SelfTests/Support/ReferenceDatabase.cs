using Microsoft.Data.Sqlite;

namespace AnomaliesConformance.SelfTests.Support;

/// <summary>A reference server's SQLite file read back by a self-test.</summary>
public static class ReferenceDatabase
{
    /// <summary>Every bearer token the server ever issued: what no report or console may contain.</summary>
    public static List<string> IssuedTokens(string database)
    {
        using var connection = new SqliteConnection($"Data Source={database};Mode=ReadOnly");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT token FROM tokens";
        using var reader = command.ExecuteReader();
        var tokens = new List<string>();
        while (reader.Read())
        {
            tokens.Add(reader.GetString(0));
        }

        return tokens;
    }
}
