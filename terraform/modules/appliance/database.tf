# PostgreSQL for wallets, sealed shares, sealing_keys and the audit log. Not public, encrypted,
# reachable from the parent hosts' security group only, TLS required, password in Secrets Manager.

resource "aws_db_subnet_group" "this" {
  name       = var.name
  subnet_ids = local.private_subnet_ids
  tags       = local.tags
}

resource "aws_db_parameter_group" "this" {
  name   = "${var.name}-postgres${var.db_engine_version}"
  family = "postgres${var.db_engine_version}"
  tags   = local.tags

  parameter {
    name  = "rds.force_ssl"
    value = "1"
  }

  parameter {
    name  = "log_connections"
    value = "1"
  }
}

resource "aws_db_instance" "this" {
  identifier     = var.name
  engine         = "postgres"
  engine_version = var.db_engine_version
  instance_class = var.db_instance_class

  db_name  = "nitrosign"
  username = "nitrosign"
  port     = 5432

  manage_master_user_password = true

  allocated_storage     = var.db_allocated_storage_gib
  max_allocated_storage = var.db_max_allocated_storage_gib
  storage_type          = "gp3"
  storage_encrypted     = true
  kms_key_id            = var.db_kms_key_arn

  db_subnet_group_name   = aws_db_subnet_group.this.name
  vpc_security_group_ids = [aws_security_group.db.id]
  publicly_accessible    = false
  multi_az               = var.db_multi_az
  parameter_group_name   = aws_db_parameter_group.this.name

  backup_retention_period   = var.db_backup_retention_days
  copy_tags_to_snapshot     = true
  deletion_protection       = var.db_deletion_protection
  skip_final_snapshot       = false
  final_snapshot_identifier = "${var.name}-final"

  auto_minor_version_upgrade      = true
  enabled_cloudwatch_logs_exports = ["postgresql"]

  tags = local.tags
}

# ---- the service's own role ---------------------------------------------------------------------
# The parent host does not connect as the owner (the master user above): it connects as
# nitrosign_service, which has DML only and INSERT/SELECT on audit_log, so it cannot drop the
# audit triggers or rewrite history. At boot, nitrosign-db-migrate.service ("parent-host.jar
# migrate", as the owner) creates the role with this password and runs the migrations, which grant
# it its privileges. The password is drawn once by Secrets Manager (GetRandomPassword, through the
# aws provider: no other provider needed) and kept: later applies ignore a newly drawn value. It is
# in Secrets Manager and in the Terraform state: keep the state encrypted and access-controlled.

locals {
  db_service_role = "nitrosign_service"
}

data "aws_secretsmanager_random_password" "db_service" {
  password_length     = 40
  exclude_punctuation = true
}

resource "aws_secretsmanager_secret" "db_service" {
  name_prefix = "${var.name}-db-service-"
  description = "nitrosign: password of the parent host's database role ${local.db_service_role}"
  tags        = local.tags
}

resource "aws_secretsmanager_secret_version" "db_service" {
  secret_id     = aws_secretsmanager_secret.db_service.id
  secret_string = jsonencode({ username = local.db_service_role, password = data.aws_secretsmanager_random_password.db_service.random_password })

  # the data source draws a new value at every plan; the first one is the password
  lifecycle {
    ignore_changes = [secret_string]
  }
}
