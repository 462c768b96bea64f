# The parent instances' role. Its credentials are what the parent host hands to the enclave
# (SetCredentials), so KMS permissions are here too; the key policies then allow Decrypt and
# GenerateDataKey only with the enclave's attestation, and this policy repeats that condition.

data "aws_iam_policy_document" "assume_ec2" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "instance" {
  name               = "${var.name}-parent-host"
  description        = "nitrosign parent hosts (and, through SetCredentials, their enclaves)"
  assume_role_policy = data.aws_iam_policy_document.assume_ec2.json
  tags               = local.tags
}

resource "aws_iam_instance_profile" "instance" {
  name = "${var.name}-parent-host"
  role = aws_iam_role.instance.name
  tags = local.tags
}

locals {
  eif_object_arn         = var.eif_s3_uri == null ? null : "arn:aws:s3:::${trimprefix(var.eif_s3_uri, "s3://")}"
  parent_host_object_arn = var.parent_host_s3_uri == null ? null : "arn:aws:s3:::${trimprefix(var.parent_host_s3_uri, "s3://")}"
  artifact_object_arns   = compact([local.eif_object_arn, local.parent_host_object_arn])
}

data "aws_iam_policy_document" "instance" {
  statement {
    sid       = "SealingKeysOnlyForTheAttestedEnclave"
    effect    = "Allow"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = [aws_kms_key.auth_shares.arn, aws_kms_key.exec_shares.arn]

    condition {
      test     = "StringEqualsIgnoreCase"
      variable = "kms:RecipientAttestation:ImageSha384"
      values   = length(var.enclave_pcr0_values) > 0 ? var.enclave_pcr0_values : ["none"]
    }
  }

  dynamic "statement" {
    for_each = length(local.artifact_object_arns) > 0 ? ["artifacts"] : []
    content {
      sid       = "ReadReleaseArtifacts"
      effect    = "Allow"
      actions   = ["s3:GetObject"]
      resources = local.artifact_object_arns
    }
  }

  statement {
    sid       = "DatabasePassword"
    effect    = "Allow"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = [aws_db_instance.this.master_user_secret[0].secret_arn, aws_secretsmanager_secret.db_service.arn]
  }

  statement {
    sid    = "WriteOwnLogs"
    effect = "Allow"
    actions = [
      "logs:CreateLogStream",
      "logs:DescribeLogStreams",
      "logs:PutLogEvents",
    ]
    resources = [for g in aws_cloudwatch_log_group.this : "${g.arn}:*"]
  }

  statement {
    sid       = "PublishMetrics"
    effect    = "Allow"
    actions   = ["cloudwatch:PutMetricData"]
    resources = ["*"]

    condition {
      test     = "StringEquals"
      variable = "cloudwatch:namespace"
      values   = ["nitrosign/${var.name}"]
    }
  }
}

resource "aws_iam_role_policy" "instance" {
  name   = "${var.name}-parent-host"
  role   = aws_iam_role.instance.id
  policy = data.aws_iam_policy_document.instance.json
}

# Session Manager instead of SSH: no inbound port, every session logged by AWS.
resource "aws_iam_role_policy_attachment" "ssm" {
  role       = aws_iam_role.instance.name
  policy_arn = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"
}
