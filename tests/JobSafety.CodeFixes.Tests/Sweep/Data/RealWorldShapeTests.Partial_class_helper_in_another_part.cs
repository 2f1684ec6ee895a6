using System.Net.Mail;
using System.Threading.Tasks;
using Npgsql;

public partial class Signup
{
    private readonly SmtpClient _smtp = new("localhost");

    public async Task Register(NpgsqlConnection conn, string email)
    {
        await using var tx = await conn.BeginTransactionAsync();
        await Welcome(email);
        await tx.CommitAsync();
        await Welcome(email);
    }
}

public partial class Signup
{
    private Task Welcome(string email) => _smtp.SendMailAsync("noreply@example.invalid", email, "Welcome", "Hi");
}