from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0008_fill_comment_text_html"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="comment",
            index=models.Index(fields=["ip_address", "status"], name="comment_ip_idx"),
        ),
    ]
