<?php
// A tiny blog: lists the posts stored in MariaDB and adds one from the form, creating
// the table (and a first post) on the first visit.
mysqli_report(MYSQLI_REPORT_ERROR | MYSQLI_REPORT_STRICT);

$db = new mysqli(
    getenv('DB_HOST') ?: 'db',
    getenv('DB_USER') ?: 'blog',
    getenv('DB_PASSWORD') ?: 'secret',
    getenv('DB_NAME') ?: 'blog'
);
$db->set_charset('utf8mb4');

$db->query('CREATE TABLE IF NOT EXISTS posts (
    id INT AUTO_INCREMENT PRIMARY KEY,
    title VARCHAR(200) NOT NULL,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
)');
if ((int)$db->query('SELECT COUNT(*) FROM posts')->fetch_row()[0] === 0) {
    $db->query("INSERT INTO posts (title) VALUES ('Hello from stack')");
}

if ($_SERVER['REQUEST_METHOD'] === 'POST') {
    $title = trim((string)($_POST['title'] ?? ''));
    if ($title !== '') {
        $insert = $db->prepare('INSERT INTO posts (title) VALUES (?)');
        $insert->bind_param('s', $title);
        $insert->execute();
    }
    header('Location: /', true, 303);  // post, redirect, get: a reload does not post twice
    exit;
}

$posts = $db->query('SELECT title, created_at FROM posts ORDER BY created_at DESC, id DESC');
?>
<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>LNMP on stack</title></head>
<body>
<h1>Posts</h1>
<ul>
<?php foreach ($posts as $post): ?>
  <li><?= htmlspecialchars($post['title']) ?> <small><?= htmlspecialchars($post['created_at']) ?></small></li>
<?php endforeach; ?>
</ul>
<form method="post" action="/">
  <input name="title" placeholder="Title of a new post" required maxlength="200">
  <button type="submit">Post</button>
</form>
<p>Served by PHP <?= PHP_VERSION ?>, MariaDB <?= htmlspecialchars($db->server_info) ?>.</p>
</body>
</html>
